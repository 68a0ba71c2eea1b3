/** Injection tokens shared across modules. */
export const CONNECTOR_DEFINITIONS = Symbol('CONNECTOR_DEFINITIONS');
export const CLOCK = Symbol('CLOCK');

export type Clock = () => Date;
