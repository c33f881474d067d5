/** Error messages by code, Chinese (default) and English (docs/monkeycode-protocol.md §1.2, SRC locale files, paraphrased). */
const MESSAGES: Record<number, { zh: string; en: string }> = {
  400: { zh: '参数错误', en: 'Bad request' },
  401: { zh: '未授权', en: 'Unauthorized' },
  403: { zh: '禁止访问', en: 'Forbidden' },
  500: { zh: '服务器错误', en: 'Internal server error' },
  10000: { zh: '服务器内部错误', en: 'Internal server error' },
  10002: { zh: '资源不存在', en: 'Resource not found' },
  10004: { zh: '数据库查询失败', en: 'Database query failed' },
  10204: { zh: '没有可用的公共主机', en: 'No public host available' },
  10205: { zh: '主机已离线', en: 'Host is offline' },
  10230: { zh: '超出公共主机使用限制', en: 'Public host usage limit exceeded' },
  10605: { zh: '用户已被封禁', en: 'User is blocked' },
  10606: { zh: '登录失败，邮箱或密码错误', en: 'Login failed: wrong email or password' },
  10609: { zh: '钱包余额不足', en: 'Insufficient wallet balance' },
  10610: { zh: '账户已欠费', en: 'Account overdraft' },
  10810: { zh: '任务正在运行或虚拟机在线，无法删除', en: 'Task is running or VM is online; cannot delete' },
  10811: {
    zh: '你已有一个正在运行的任务，请等待完成后再创建新任务',
    en: 'You already have a running task, please wait for it to finish before creating a new one',
  },
  10812: { zh: '无权使用该模型', en: 'Access to this model is denied' },
  10813: { zh: '不支持的分页方向', en: 'Unsupported rounds direction' },
};

/** Language of error messages for one request. */
export type Lang = 'zh' | 'en';

/** `Accept-Language: en…` or cookie `language=en` selects English; Chinese otherwise. */
export function pickLang(acceptLanguage: string | undefined, languageCookie: string | undefined): Lang {
  if (languageCookie !== undefined) return languageCookie.toLowerCase().startsWith('en') ? 'en' : 'zh';
  return acceptLanguage !== undefined && acceptLanguage.trim().toLowerCase().startsWith('en') ? 'en' : 'zh';
}

/** Localized message for `code` (falls back to the generic internal error). */
export function messageFor(code: number, lang: Lang): string {
  const entry = MESSAGES[code] ?? { zh: '未知错误', en: 'Unknown error' };
  return entry[lang];
}
