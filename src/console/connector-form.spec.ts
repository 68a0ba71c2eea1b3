import { parseSettings } from '../../connectors/contract/settings';
import { CONNECTOR_DEFINITIONS } from '../../connectors/registry';
import { CLEAR, GENERAL, readConnectorForm, SETTING, serviceErrors } from './connector-form';
import { humanLabel, settingsFields, type SettingsField } from './connector-form-schema';
import {
  displayFromBody,
  displayFromSettings,
  errorSummary,
  fieldViews,
  settingRows,
} from './connector-form-view';

const settingsOf = (kind: string) => {
  const def = CONNECTOR_DEFINITIONS.find((d) => d.kind === kind);
  if (!def) throw new Error(`no kind ${kind}`);
  return def.settings;
};
const fieldsOf = (kind: string) => settingsFields(settingsOf(kind));
const field = (fields: SettingsField[], name: string) => {
  const f = fields.find((x) => x.name === name);
  if (!f) throw new Error(`no field ${name}`);
  return f;
};
const form = (settings: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [SETTING + k, v])),
  ...extra,
});

describe('settings schema → form fields', () => {
  it('reads NinjaOne: order, types, secrets, required, defaults and descriptions', () => {
    const fields = fieldsOf('ninjaone');
    expect(fields.map((f) => f.name)).toEqual([
      'region',
      'baseUrl',
      'clientId',
      'clientSecret',
      'scope',
      'refreshToken',
      'rollbackScriptId',
      'rollbackParameters',
      'rollbackRunAs',
      'webhookHeaderName',
      'pageSize',
    ]);
    expect(field(fields, 'region')).toMatchObject({
      input: 'select',
      options: ['us', 'us2', 'eu', 'ca', 'oc'],
      required: false,
      defaultValue: 'us',
    });
    expect(field(fields, 'baseUrl')).toMatchObject({ input: 'url', required: false });
    expect(field(fields, 'clientId')).toMatchObject({
      input: 'text',
      required: true,
      secret: false,
      label: 'Client ID',
      description: 'Client ID of the NinjaOne API client app.',
    });
    expect(field(fields, 'clientSecret')).toMatchObject({ secret: true, required: true });
    expect(field(fields, 'refreshToken')).toMatchObject({ secret: true, required: false });
    expect(field(fields, 'rollbackScriptId')).toMatchObject({
      input: 'number',
      min: 1,
      required: false,
    });
    expect(field(fields, 'pageSize')).toMatchObject({
      input: 'number',
      min: 1,
      max: 1000,
      defaultValue: 200,
    });
  });

  it('reads checkboxes, lists, maps and conditional fields', () => {
    const email = fieldsOf('email');
    expect(field(email, 'secure')).toMatchObject({ input: 'checkbox', required: false });
    expect(field(email, 'rejectUnauthorized').defaultValue).toBe(true);
    expect(field(email, 'to')).toMatchObject({ input: 'list', required: true });
    expect(field(email, 'password')).toMatchObject({ secret: true, conditional: true });
    expect(field(email, 'password').required).toBe(false);
    const zabbix = fieldsOf('zabbix');
    expect(field(zabbix, 'clientMap').input).toBe('map');
    expect(field(zabbix, 'ignoreGroups')).toMatchObject({ input: 'list', required: false });
    expect(field(zabbix, 'apiToken')).toMatchObject({ conditional: true, required: false });
    const cw = fieldsOf('connectwise-manage');
    expect(field(cw, 'configurationTypeIds')).toMatchObject({ input: 'list', integerItems: true });
    expect(field(cw, 'noteType').options).toEqual(['internal', 'discussion']);
    expect(field(cw, 'boardId').required).toBe(true);
  });

  it('gives every registered kind a form (a kind without settings gets an empty one)', () => {
    for (const def of CONNECTOR_DEFINITIONS) {
      const fields = settingsFields(def.settings);
      for (const f of fields) expect(f.label).not.toBe('');
    }
    expect(fieldsOf('generic').map((f) => f.name)).toEqual(['defaultClient']);
  });

  it('labels fields the way people write them', () => {
    expect(humanLabel('rollbackScriptId')).toBe('Rollback script ID');
    expect(humanLabel('configurationTypeIds')).toBe('Configuration type IDs');
    expect(humanLabel('baseUrl')).toBe('Base URL');
    expect(humanLabel('apiToken')).toBe('API token');
  });
});

describe('form body → settings', () => {
  const ninja = fieldsOf('ninjaone');
  const target = { mode: 'create' as const, kind: 'ninjaone', pulls: true };

  it('turns a create form into settings the settings class accepts', () => {
    const body = form(
      {
        region: 'eu',
        baseUrl: '',
        clientId: '  c-1 ',
        clientSecret: ' s3cret ',
        scope: 'monitoring',
        refreshToken: '',
        rollbackScriptId: '42',
        pageSize: '150',
      },
      { name: ' Ninja EU ', enabled: 'on', pollIntervalSeconds: '120', csrf: 'x' },
    );
    const { input, errors } = readConnectorForm(ninja, body, target);
    expect(errors).toEqual({});
    expect(input).toEqual({
      name: 'Ninja EU',
      enabled: true,
      pollIntervalSeconds: 120,
      settings: {
        region: 'eu',
        clientId: 'c-1',
        // A secret is kept exactly as typed.
        clientSecret: ' s3cret ',
        scope: 'monitoring',
        rollbackScriptId: 42,
        pageSize: 150,
      },
    });
    expect(() => parseSettings(settingsOf('ninjaone'), input.settings)).not.toThrow();
  });

  it('on edit, keeps an empty secret, removes one on request, and clears emptied fields', () => {
    const body = form(
      { clientId: 'c-2', clientSecret: '', refreshToken: '', baseUrl: '', pageSize: '' },
      { name: 'N', [CLEAR + 'refreshToken']: 'on' },
    );
    const { input } = readConnectorForm(ninja, body, { ...target, mode: 'edit' });
    expect(input.enabled).toBe(false);
    expect(input).not.toHaveProperty('pollIntervalSeconds');
    expect(input.settings).not.toHaveProperty('clientSecret');
    expect(input.settings).toHaveProperty('refreshToken', undefined);
    expect(input.settings).toHaveProperty('baseUrl', undefined);
    expect(input.settings).toHaveProperty('pageSize', undefined);
    expect(input.settings.clientId).toBe('c-2');
  });

  it('reads checkboxes, lists and maps', () => {
    const email = fieldsOf('email');
    const { input } = readConnectorForm(
      email,
      form({ host: 'smtp.x', to: 'a@x.example\r\n\r\n b@x.example ', secure: 'on' }, { name: 'm' }),
      { mode: 'create', kind: 'email', pulls: false },
    );
    expect(input.settings).toMatchObject({
      secure: true,
      rejectUnauthorized: false,
      to: ['a@x.example', 'b@x.example'],
    });
    const zabbix = fieldsOf('zabbix');
    const read = readConnectorForm(
      zabbix,
      form({ clientMap: 'Customers/Acme = Acme Dental\nLab=', ignoreGroups: '' }, { name: 'z' }),
      { mode: 'edit', kind: 'zabbix', pulls: true },
    );
    expect(read.input.settings.clientMap).toEqual({ 'Customers/Acme': 'Acme Dental', Lab: '' });
    // An emptied list that has a default means "none".
    expect(read.input.settings.ignoreGroups).toEqual([]);
    const cw = readConnectorForm(
      fieldsOf('connectwise-manage'),
      form({ configurationTypeIds: '3\n7\nx' }, { name: 'c' }),
      { mode: 'create', kind: 'connectwise-manage', pulls: true },
    );
    expect(cw.input.settings.configurationTypeIds).toEqual([3, 7, 'x']);
  });

  it('names the field of each problem found before the service', () => {
    const zabbix = fieldsOf('zabbix');
    const { errors } = readConnectorForm(
      zabbix,
      form({ clientMap: 'no equals sign' }, { name: ['a', 'b'], pollIntervalSeconds: '2' }),
      { mode: 'create', kind: 'zabbix', pulls: true },
    );
    expect(errors['settings.clientMap']).toEqual(['line 1 needs the form "name = value"']);
    expect(errors.name).toContain('was sent more than once');
    expect(errors.pollIntervalSeconds).toEqual(['pollIntervalSeconds must not be less than 5']);
    const nul = readConnectorForm(ninja, form({ clientId: 'a\u0000b' }, { name: 'n' }), target);
    expect(nul.errors['settings.clientId']).toEqual([
      'contains a NUL character or an invalid Unicode surrogate',
    ]);
    expect(readConnectorForm(ninja, form({}, { name: '' }), target).errors.name).toEqual([
      'name must be longer than or equal to 1 characters',
    ]);
  });

  it('splits the service message by field', () => {
    const errors = serviceErrors(
      'settings.scope: must be monitoring, management and/or control, space-separated; ' +
        'settings.clientId: clientId should not be empty; settings.clientId: clientId must be a string',
    );
    expect(errors).toEqual({
      'settings.scope': ['must be monitoring, management and/or control, space-separated'],
      'settings.clientId': ['clientId should not be empty', 'clientId must be a string'],
    });
    expect(serviceErrors("kind: unknown connector kind 'x'")).toEqual({
      [GENERAL]: ["kind: unknown connector kind 'x'"],
    });
  });
});

describe('form fields as shown', () => {
  const ninja = fieldsOf('ninjaone');

  it('never gives a secret a value, and marks a stored one as optional to retype', () => {
    const display = displayFromSettings(ninja, { clientId: 'c', clientSecret: 'leak?' });
    expect(display).not.toHaveProperty('clientSecret');
    const views = fieldViews(ninja, display, {
      mode: 'edit',
      storedSecrets: ['clientSecret', 'refreshToken'],
      errors: { 'settings.scope': ['bad'] },
    });
    const secret = views.find((v) => v.key === 'clientSecret')!;
    expect(secret).toMatchObject({ control: 'input', type: 'password', htmlRequired: false });
    expect(secret).not.toHaveProperty('value');
    expect(secret.hint).toContain('Leave this empty to keep it');
    expect(secret).not.toHaveProperty('clear');
    expect(views.find((v) => v.key === 'refreshToken')!.clear).toEqual({
      id: 'f-setting-refreshToken-clear',
      formName: 'clear.refreshToken',
    });
    const scope = views.find((v) => v.key === 'scope')!;
    expect(scope).toMatchObject({ errors: ['bad'], value: 'monitoring' });
    expect(scope.describedBy).toContain('f-setting-scope-error');
    expect(views.find((v) => v.key === 'region')!.options!.find((o) => o.selected)!.value).toBe(
      'us',
    );
    expect(views.find((v) => v.key === 'clientId')).toMatchObject({
      htmlRequired: true,
      value: 'c',
    });
  });

  it('shows what was typed after a refusal, without the secrets', () => {
    const display = displayFromBody(
      ninja,
      form({ clientId: 'typed', clientSecret: 'typed-secret', pageSize: 'x' }),
    );
    expect(display).toMatchObject({ clientId: 'typed', pageSize: 'x' });
    expect(JSON.stringify(display)).not.toContain('typed-secret');
  });

  it('lists errors with the label and a link to the field', () => {
    expect(
      errorSummary(ninja, {
        'settings.scope': ['must be monitoring'],
        name: ['name is empty'],
        [GENERAL]: ['something else'],
      }),
    ).toEqual([
      { label: 'Scope', href: '#f-setting-scope', message: 'must be monitoring' },
      { label: 'Name', href: '#f-name', message: 'name is empty' },
      { message: 'something else' },
    ]);
  });

  it('shows stored settings read-only, secrets only as set or not', () => {
    const rows = settingRows(ninja, { clientId: 'c', pageSize: 50 }, ['clientSecret']);
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    expect(byKey).toMatchObject({
      clientId: 'c',
      clientSecret: 'set (not shown)',
      refreshToken: 'not set',
      pageSize: '50',
      rollbackParameters: 'not set (default: -KB {kb})',
    });
  });
});
