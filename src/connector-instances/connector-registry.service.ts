import { Inject, Injectable } from '@nestjs/common';
import type { ConnectorDefinition } from '../../connectors/contract/connector';
import { fieldDescriptions, secretFields } from '../../connectors/contract/settings';
import { CONNECTOR_DEFINITIONS } from '../common/tokens';

/** The core's only view of connectors: the registry list, looked up by kind. */
@Injectable()
export class ConnectorRegistry {
  private readonly byKind: Map<string, ConnectorDefinition<object>>;

  constructor(@Inject(CONNECTOR_DEFINITIONS) definitions: readonly ConnectorDefinition<object>[]) {
    this.byKind = new Map(definitions.map((d) => [d.kind, d]));
  }

  get(kind: string): ConnectorDefinition<object> | undefined {
    return this.byKind.get(kind);
  }

  kinds(): string[] {
    return [...this.byKind.keys()];
  }

  describe() {
    return [...this.byKind.values()].map((d) => ({
      kind: d.kind,
      displayName: d.displayName,
      capabilities: d.capabilities,
      secretFields: secretFields(d.settings),
      fields: fieldDescriptions(d.settings),
      defaultPollSeconds: d.defaultPollSeconds ?? null,
    }));
  }
}
