import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';

/** Every migration, in order. Never edit one after release: add a new one. */
export const MIGRATIONS = [InitialSchema1764000000000];
