// The real-time side: one SignalR connection to /hubs/status (docs/api.md "Real time"), the streams the
// page follows, and the last seq seen on each. A reconnect subscribes again with afterSeq = that seq,
// so the hub replays exactly what was missed; anything at or below it is a duplicate and is dropped.
export class Live {
  #connection;
  #lastSeq = new Map(); // stream -> last seq handed to onEvent (null: none yet, start from "now")
  #onEvent;
  #onState;
  #onError;
  #isSignedIn;
  #onSignedOut;
  #stopped = true;

  /**
   * onState gets 'connecting', 'live', 'reconnecting' or 'offline' (signed in, connection down).
   * Before retrying a connection that closed or could not start, isSignedIn() is asked: when the
   * session ended (logged out elsewhere: the hub closes with "do not reconnect", then refuses the
   * token), onSignedOut runs instead. The client reports a refused negotiate without its status code,
   * hence the question.
   */
  constructor({ accessToken, onEvent, onState = () => {}, onError = () => {}, isSignedIn = async () => true, onSignedOut = () => {} }) {
    const { HubConnectionBuilder, LogLevel } = globalThis.signalR;
    this.#onEvent = onEvent;
    this.#onState = onState;
    this.#onError = onError;
    this.#isSignedIn = isSignedIn;
    this.#onSignedOut = onSignedOut;
    this.#connection = new HubConnectionBuilder()
      .withUrl('/hubs/status', { accessTokenFactory: accessToken })
      .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ({ previousRetryCount }) => Math.min(500 * 2 ** previousRetryCount, 10_000) })
      .configureLogging(LogLevel.Warning)
      .build();
    this.#connection.on('event', (event) => this.#deliver(event));
    // The server ended a subscription (access removed): do not ask for it again on reconnect.
    this.#connection.on('unsubscribed', ({ stream }) => this.#lastSeq.delete(stream));
    this.#connection.onreconnecting(() => this.#onState('reconnecting'));
    this.#connection.onreconnected(() => this.#resume());
    this.#connection.onclose(() => this.#retryLater());
  }

  async start() {
    this.#stopped = false;
    this.#onState('connecting');
    await this.#connect();
  }

  async #connect() {
    try {
      await this.#connection.start();
    } catch {
      await this.#retryLater();
      return;
    }
    await this.#resume();
  }

  async stop() {
    this.#stopped = true;
    this.#lastSeq.clear();
    await this.#connection.stop();
  }

  /** Follows a stream from afterSeq (or from now when it is absent); a no-op for one already followed. */
  async follow(stream, afterSeq = null) {
    if (this.#lastSeq.has(stream)) return;
    this.#lastSeq.set(stream, afterSeq);
    if (this.#connection.state === 'Connected') await this.#subscribe(stream);
  }

  async unfollow(stream) {
    if (!this.#lastSeq.delete(stream) || this.#connection.state !== 'Connected') return;
    await this.#connection.invoke('Unsubscribe', stream).catch((error) => this.#onError(error));
  }

  async #subscribe(stream) {
    try {
      const afterSeq = this.#lastSeq.get(stream);
      const { last_seq: lastSeq } = await this.#connection.invoke('Subscribe', stream, afterSeq);
      // Starting from "now": that is the stream's last seq, unless events already came past it.
      if (afterSeq === null && this.#lastSeq.get(stream) === null) this.#lastSeq.set(stream, lastSeq);
    } catch (error) {
      this.#lastSeq.delete(stream); // forbidden or unknown: the hub delivers nothing from it
      this.#onError(error);
    }
  }

  async #resume() {
    await Promise.all([...this.#lastSeq.keys()].map((stream) => this.#subscribe(stream)));
    this.#onState('live');
  }

  #deliver(event) {
    const last = this.#lastSeq.get(event.stream);
    if (last != null && event.seq <= last) return;
    if (this.#lastSeq.has(event.stream)) this.#lastSeq.set(event.stream, event.seq);
    this.#onEvent(event);
  }

  // The connection closed (the server said not to reconnect) or could not start: keep trying while
  // signed in, unless we stopped on purpose.
  async #retryLater() {
    if (this.#stopped) return;
    if (!(await this.#isSignedIn())) {
      if (this.#stopped) return;
      this.#stopped = true;
      this.#onSignedOut();
      return;
    }
    if (this.#stopped) return;
    this.#onState('offline');
    setTimeout(() => { if (!this.#stopped && this.#connection.state === 'Disconnected') this.#connect(); }, 3_000);
  }
}
