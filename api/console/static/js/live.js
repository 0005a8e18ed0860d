// One GraphQL subscription over graphql-transport-ws that survives a dropped socket: it keeps the last
// event sequence it saw and subscribes again with `after:` it, so nothing is missed and nothing repeats.

import { session } from "./api.js";

const MAX_WAIT_MS = 10_000;
const REFUSED = new Set([4400, 4401, 4403, 4406]); // bad message, no or bad credential, forbidden, bad protocol

export class LiveSubscription {
  // `field`: the subscription's root field; `onData(value)`; `onStatus(state, detail)` with state one of
  // connecting, live, reconnecting, refused, closed.
  constructor({ query, variables = {}, field, after = null, onData, onStatus = () => {} }) {
    Object.assign(this, { query, variables, field, after, onData, onStatus });
    this.socket = null;
    this.stopped = false;
    this.failures = 0;
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retry);
    this.socket?.close(1000, "left the page");
    this.onStatus("closed");
  }

  // For tests and for people: drop the socket as a network would, and let the resume logic do its work.
  drop() {
    this.socket?.close(4000, "dropped");
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/graphql`, "graphql-transport-ws");
    this.socket = socket;
    this.onStatus(this.failures ? "reconnecting" : "connecting");
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${session.key}` } }));
    };
    socket.onmessage = (message) => this.receive(socket, JSON.parse(message.data));
    socket.onclose = (closed) => this.closed(socket, closed);
  }

  receive(socket, message) {
    if (message.type === "connection_ack") {
      const variables = this.after === null ? this.variables : { ...this.variables, after: this.after };
      socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: this.query, variables } }));
      this.failures = 0;
      this.onStatus("live");
    } else if (message.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    } else if (message.type === "next") {
      if (message.payload.errors?.length) {
        this.onStatus("error", message.payload.errors[0].message);
        return;
      }
      const value = message.payload.data[this.field];
      if (typeof value.sequence === "number") {
        if (this.after !== null && value.sequence <= this.after) return; // already seen before a resume
        this.after = value.sequence;
      }
      this.onData(value);
    } else if (message.type === "error") {
      this.onStatus("error", message.payload?.[0]?.message ?? "the subscription was refused");
    }
  }

  closed(socket, closed) {
    if (socket !== this.socket || this.stopped) return;
    if (REFUSED.has(closed.code)) {
      this.onStatus("refused", `${closed.code} ${closed.reason}`);
      return;
    }
    this.failures += 1;
    const wait = Math.min(MAX_WAIT_MS, 500 * 2 ** Math.min(this.failures - 1, 5));
    this.onStatus("reconnecting", `socket closed (${closed.code}); again in ${Math.round(wait / 100) / 10} s`);
    this.retry = setTimeout(() => this.connect(), wait);
  }
}
