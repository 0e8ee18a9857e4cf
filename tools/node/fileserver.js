// A Node.js (libuv) HTTP server for tests/host/real_node.sh: GET /NAME
// streams the file given on the command line (fs stream piped into the
// response: the read side pauses while the client is full), GET /proxy/NAME
// fetches /NAME from a second listening port of the same process and pipes
// that response on (the upstream socket is paused with data queued while
// the client is slow: backpressure on both ends of a connection it owns).
'use strict';
const http = require('http');
const fs = require('fs');

const [port, backendPort, file] = [+process.argv[2], +process.argv[3], process.argv[4]];
const agent = new http.Agent({ keepAlive: false });

function serveFile(req, res) {
	res.writeHead(200, { 'Content-Type': 'application/octet-stream',
			     'Content-Length': fs.statSync(file).size });
	fs.createReadStream(file).pipe(res);
}

http.createServer(serveFile).listen(backendPort, '127.0.0.1');
http.createServer((req, res) => {
	if (!req.url.startsWith('/proxy/')) return serveFile(req, res);
	const up = http.get({ host: '127.0.0.1', port: backendPort, agent,
			      path: req.url.slice('/proxy'.length) }, (upRes) => {
		res.writeHead(upRes.statusCode, upRes.headers);
		upRes.pipe(res);
	});
	// A client that goes away takes its upstream with it.
	res.on('close', () => up.destroy());
	up.on('error', () => res.destroy());
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
