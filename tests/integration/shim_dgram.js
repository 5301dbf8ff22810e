// SPDX-License-Identifier: MIT
// shim_dgram.js - node's dgram (libuv: epoll, raw syscalls) as a UDP
// client for test_shim_epoll.sh: LOCAL_IP SERVER_IP PORT COUNT.  Sends
// COUNT datagrams one at a time, each of a different size and content,
// checks every echo byte for byte, prints "ok COUNT".
'use strict';
const dgram = require('dgram');
const [local, server, port, count] = process.argv.slice(2);
const total = Number(count);
const sock = dgram.createSocket('udp4');
let i = 0;
let expect = null;

function payload(n) {
	const b = Buffer.alloc(1 + ((n * 7919) % 1400));
	for (let k = 0; k < b.length; k++)
		b[k] = (n + k * 31) & 0xff;
	return b;
}

function next() {
	if (i === total) {
		console.log(`ok ${total}`);
		sock.close();
		return;
	}
	expect = payload(i);
	sock.send(expect, Number(port), server);
}

const timer = setTimeout(() => {
	console.log(`timeout after ${i} echoes`);
	process.exit(1);
}, 30000);
sock.on('message', (msg) => {
	if (!expect || !msg.equals(expect)) {
		console.log(`echo ${i} differs`);
		process.exit(1);
	}
	i++;
	next();
});
sock.on('close', () => clearTimeout(timer));
sock.on('error', (e) => {
	console.log(`error ${e}`);
	process.exit(1);
});
sock.bind({ address: local, port: 0 }, next);
