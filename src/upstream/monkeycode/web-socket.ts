import { WebSocket } from 'undici';

/** The socket events the stream reads. */
export type WebSocketEventName = 'open' | 'message' | 'close' | 'error';

/**
 * The part of the WHATWG WebSocket API the task stream uses. undici's `WebSocket` satisfies it;
 * tests may inject anything with the same shape.
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: WebSocketEventName, listener: (event: unknown) => void): void;
  removeEventListener(type: WebSocketEventName, listener: (event: unknown) => void): void;
}

/** Opens a socket to `url` sending `headers` on the handshake (the session cookie lives there). */
export type WebSocketFactory = (url: string, init: { headers: Record<string, string> }) => WebSocketLike;

/** Default factory: undici's `WebSocket` (Node 20 has no global one), which accepts headers. */
export const undiciWebSocketFactory: WebSocketFactory = (url, init) =>
  new WebSocket(url, { headers: init.headers });

/** `readyState` of an open socket (the same in every implementation). */
export const SOCKET_OPEN = 1;
/** `readyState` of a socket that is closing. */
export const SOCKET_CLOSING = 2;
