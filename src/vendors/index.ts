// The vendor catalog: ids, features, params and hosts are a contract (../shared/design/vendors.md).
import type { Vendor } from './types.ts';
import { providesupport } from './providesupport.ts';
import { velaro } from './velaro.ts';
import { genesys } from './genesys.ts';
import { customerio } from './customerio.ts';
import { chargebee } from './chargebee.ts';

export const VENDORS: readonly Vendor[] = [providesupport, velaro, genesys, customerio, chargebee];

export type { Vendor } from './types.ts';
