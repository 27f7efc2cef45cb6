/**
 * Preloaded (`node -r`) into a third-party server that hard-codes its bind address (the SQS emulator
 * listens on 0.0.0.0): every wildcard listen is moved to LISTEN_HOST (default 127.0.0.1), so a developer's
 * stack is not reachable from the LAN.
 */
'use strict';
const net = require('node:net');

const host = process.env.LISTEN_HOST || '127.0.0.1';
const WILDCARDS = new Set(['0.0.0.0', '::', undefined, null, '']);
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnHost(...args) {
  const [first] = args;
  if (first && typeof first === 'object' && !Array.isArray(first) && first.path === undefined) {
    if (WILDCARDS.has(first.host)) args[0] = { ...first, host };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] !== 'string' || WILDCARDS.has(args[1])) {
      args = typeof args[1] === 'string' ? [first, host, ...args.slice(2)] : [first, host, ...args.slice(1)];
    }
  }
  return listen.apply(this, args);
};
