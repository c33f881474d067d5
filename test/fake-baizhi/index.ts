/** Fake Baizhi-Cloud (the identity provider of hosted MonkeyCode) for tests — see README.md. */
export {
  startFakeBaizhi,
  type FakeBaizhi,
  type FakeBaizhiOptions,
  type BaizhiRecord,
} from './start-fake-baizhi.js';
export { BAIZHI_COOKIE, MONKEYCODE_CLIENT_ID, envelope } from './baizhi-routes.js';
