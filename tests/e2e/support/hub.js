// The official SignalR client connected to the silo's /hubs/status, with an inbox of received events
// that tests await (each wait has a deadline, and fails with what did arrive).
import * as signalR from '@microsoft/signalr';

export class Inbox {
  events = [];
  #waiters = [];

  push(event) {
    this.events.push(event);
    this.#waiters = this.#waiters.filter((waiter) => !waiter());
  }

  of(stream) {
    return this.events.filter((event) => event.stream === stream);
  }

  /** Resolves once condition(inbox) holds; rejects after the deadline, saying what did arrive. */
  waitUntil(condition, what, timeoutMs = 15_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`expected ${what} within ${timeoutMs} ms; received ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      const waiter = () => {
        if (!condition(this)) return false;
        clearTimeout(timer);
        resolve(this);
        return true;
      };
      if (!waiter()) this.#waiters.push(waiter);
    });
  }

  /** Resolves with the events of `stream` once there are at least `count` of them. */
  async waitFor(stream, count, timeoutMs) {
    await this.waitUntil((inbox) => inbox.of(stream).length >= count, `${count} events on ${stream}`, timeoutMs);
    return this.of(stream);
  }
}

/**
 * Connects with the access token (sent as access_token on the query string for WebSockets, as browsers
 * do). `transport` ('ServerSentEvents' or 'LongPolling') allows only that transport.
 */
export async function connect(baseUrl, token, { transport } = {}) {
  const options = { accessTokenFactory: () => token };
  if (transport) options.transport = signalR.HttpTransportType[transport];
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`${baseUrl}/hubs/status`, options)
    .configureLogging(signalR.LogLevel.None)
    .build();
  const inbox = new Inbox();
  connection.on('event', (event) => inbox.push(event));
  const closed = new Promise((resolve) => connection.onclose((error) => resolve(error ?? null)));
  await connection.start();
  return {
    connection,
    inbox,
    closed,
    subscribe: (stream, afterSeq = null) => connection.invoke('Subscribe', stream, afterSeq),
    stop: () => connection.stop(),
  };
}
