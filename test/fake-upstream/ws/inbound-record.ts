import type { RecordedFrameIn } from '../recorder.js';
import { b64decodeText, isStdBase64, tryParseJson } from '../wire/base64.js';
import type { InboundRejection } from '../wire/inbound.js';

/** Builds the recorder entry of one inbound message (raw text plus what its `data` decodes to). */
export function recordInbound(
  socketId: number,
  taskId: string,
  raw: string,
  rejection: InboundRejection | null,
): RecordedFrameIn {
  const json = tryParseJson(raw);
  let type: string | null = null;
  let dataValidBase64: boolean | null = null;
  let decodedData: string | null = null;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const t: unknown = Reflect.get(json, 'type');
    const d: unknown = Reflect.get(json, 'data');
    type = typeof t === 'string' ? t : null;
    if (typeof d === 'string') {
      dataValidBase64 = isStdBase64(d);
      decodedData = dataValidBase64 ? b64decodeText(d) : null;
    }
  }
  return {
    kind: 'ws-in',
    at: Date.now(),
    socketId,
    taskId,
    raw,
    json,
    type,
    dataValidBase64,
    decodedData,
    dropped: rejection !== null,
  };
}
