/** Injection tokens shared across modules. */
export const CONNECTOR_DEFINITIONS = Symbol('CONNECTOR_DEFINITIONS');
export const CLOCK = Symbol('CLOCK');
export const EVENT_LISTENERS = Symbol('EVENT_LISTENERS');

export type Clock = () => Date;
