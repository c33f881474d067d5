import type { UserRecord } from '../types.js';

/** The `User` object returned by password login (docs/monkeycode-protocol.md §2.2). */
export function userJson(u: UserRecord): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    avatar_url: '',
    email: u.email,
    role: u.role,
    status: u.blocked ? 'banded' : 'active',
    is_blocked: u.blocked,
    wechat_mp_bound: false,
    identities: [],
    has_password: true,
  };
}

/** `data` of `/users/status` (`TeamUserInfo`, docs/monkeycode-protocol.md §2.4). */
export function statusJson(u: UserRecord): Record<string, unknown> {
  return {
    user: {
      id: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      status: u.blocked ? 'banded' : 'active',
      is_blocked: u.blocked,
      has_password: true,
      identities: [],
    },
    teams: [],
  };
}
