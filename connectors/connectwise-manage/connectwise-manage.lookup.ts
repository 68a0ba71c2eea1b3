import type { TicketDraft } from '../contract/connector';
import { ConnectorError } from '../contract/connector-error';
import type { ManageClient } from './connectwise-manage.client';
import { quote } from './connectwise-manage.conditions';
import { asBoardStatus, asCompany, asConfiguration, asListOf } from './connectwise-manage.parse';
import type { ConnectWiseManageSettings } from './connectwise-manage.settings';
import type { ManageBoardStatus } from './connectwise-manage.types';

const DIGITS = /^\d+$/;

/** Finds the PSA records a new ticket points at. */
export class ManageLookup {
  constructor(
    private readonly client: ManageClient,
    private readonly settings: ConnectWiseManageSettings,
  ) {}

  /**
   * The client's company: by externalId (our ClientSeen uses the company id; a non-numeric id is
   * taken as the company identifier), then by exact name, then the configured default company.
   */
  async companyId(client: TicketDraft['client']): Promise<number> {
    const externalId = client?.externalId?.trim();
    const name = client?.name?.trim();
    const attempts = [
      externalId &&
        (DIGITS.test(externalId) ? `id=${externalId}` : `identifier=${quote(externalId)}`),
      name && `name=${quote(name)}`,
      this.settings.defaultCompanyIdentifier &&
        `identifier=${quote(this.settings.defaultCompanyIdentifier)}`,
    ];
    for (const conditions of attempts) {
      if (!conditions) continue;
      const id = await this.onlyMatch('/company/companies', conditions, asCompany);
      if (id !== undefined) return id;
    }
    // The company may simply not be mapped yet (its poll has not run, or the PSA spells the
    // client differently): wait for the mapping rather than drop the ticket.
    throw ConnectorError.waiting(
      'connectwise-manage: no single company matches the incident client yet, and the default ' +
        'company (defaultCompanyIdentifier) is unset or not found; waiting for the company mapping',
      5 * 60_000,
    );
  }

  /**
   * The device's active configuration within the company: by id, by deviceIdentifier (where RMM
   * syncs keep their own id), or by name. None or several: the ticket is opened without one.
   */
  async configurationId(
    device: TicketDraft['device'],
    companyId: number,
  ): Promise<number | undefined> {
    const externalId = device?.externalId?.trim();
    const name = device?.name?.trim();
    const inCompany = `company/id=${companyId} and activeFlag=true`;
    const attempts = [
      externalId &&
        (DIGITS.test(externalId)
          ? `id=${externalId} and ${inCompany}`
          : `deviceIdentifier=${quote(externalId)} and ${inCompany}`),
      name && `name=${quote(name)} and ${inCompany}`,
    ];
    for (const conditions of attempts) {
      if (!conditions) continue;
      const id = await this.onlyMatch('/company/configurations', conditions, asConfiguration);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  async boardStatuses(boardId: number): Promise<ManageBoardStatus[]> {
    const path = `/service/boards/${boardId}/statuses`;
    return asListOf(
      await this.client.all(path, { conditions: 'inactive=false' }),
      `statuses of board ${boardId}`,
      asBoardStatus,
    );
  }

  /** Two rows are asked for so that an ambiguous match is seen and refused. */
  private async onlyMatch(
    path: string,
    conditions: string,
    parse: (item: unknown, at: string) => { id: number },
  ): Promise<number | undefined> {
    const rows = asListOf(await this.client.page(path, { conditions }, 1, 2), path, parse);
    return rows.length === 1 ? rows[0].id : undefined;
  }
}
