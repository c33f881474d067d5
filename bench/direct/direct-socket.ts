import { WebSocket as UndiciWebSocket } from 'undici';
import { WebSocket as WsWebSocket } from 'ws';

/** Which WebSocket implementation the direct client uses. */
export type WsImpl = 'undici' | 'ws';

/** Callbacks of one stream socket. */
export interface SocketHandlers {
  onText(text: string): void;
  /** The socket closed or failed (`code` 1006 on an error). */
  onClose(code: number): void;
}

/** A minimal open socket: close it with 1000. */
export interface MinimalSocket {
  close(): void;
}

/**
 * Open a text WebSocket with the session cookie on the handshake (docs/monkeycode-protocol.md §5.1), with either
 * undici's WHATWG WebSocket (what relaypool uses) or the `ws` package.
 */
export function openSocket(
  impl: WsImpl,
  url: string,
  cookieHeader: string,
  handlers: SocketHandlers,
): MinimalSocket {
  if (impl === 'ws') {
    const ws = new WsWebSocket(url, { headers: { cookie: cookieHeader }, perMessageDeflate: false });
    ws.on('message', (data, isBinary) => {
      if (!isBinary)
        handlers.onText(
          Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'),
        );
    });
    ws.on('close', (code) => handlers.onClose(code));
    ws.on('error', () => undefined);
    return { close: () => ws.close(1000) };
  }
  const ws = new UndiciWebSocket(url, { headers: { cookie: cookieHeader } });
  ws.addEventListener('message', (event) => {
    if (typeof event.data === 'string') handlers.onText(event.data);
  });
  ws.addEventListener('close', (event) => handlers.onClose(event.code));
  ws.addEventListener('error', () => undefined);
  return {
    close: () => {
      if (ws.readyState <= UndiciWebSocket.OPEN) ws.close(1000);
    },
  };
}
