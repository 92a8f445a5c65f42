// The suite's mail server: a real SMTP server (no login, no TLS) that keeps every message it
// receives, and a small HTTP server that lists them, so the tests read what Keyhaven really sent.
//
//   SMTP  127.0.0.1:$MAIL_SINK_SMTP_PORT (2525)   — Keyhaven's KEYHAVEN_SMTP_HOST/PORT
//   HTTP  127.0.0.1:$MAIL_SINK_HTTP_PORT (2526)   — GET /mails: [{ to, from, subject, text, date }]
//
// Started by playwright.config.ts before the Keyhaven servers; kept in memory only.
import http from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

const host = '127.0.0.1';
const smtpPort = Number(process.env.MAIL_SINK_SMTP_PORT ?? 2525);
const httpPort = Number(process.env.MAIL_SINK_HTTP_PORT ?? 2526);

/** @type {{ to: string[], from: string, subject: string, text: string, date: string }[]} */
const mails = [];

const addresses = (field) =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((group) => group.value ?? [])
    .map((a) => a.address?.toLowerCase())
    .filter(Boolean);

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  banner: 'Keyhaven test mail sink',
  size: 1024 * 1024,
  onData(stream, session, callback) {
    simpleParser(stream)
      .then((parsed) => {
        const envelope = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        mails.push({
          to: [...new Set([...envelope, ...addresses(parsed.to)])],
          from: parsed.from?.text ?? '',
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          date: new Date().toISOString(),
        });
        callback();
      })
      .catch((err) => {
        console.error('mail-sink: could not parse a message:', err);
        callback(err);
      });
  },
});
smtp.on('error', (err) => console.error('mail-sink smtp:', err.message));

const web = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://${host}`);
  if (req.method === 'GET' && url.pathname === '/mails') {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(mails));
  } else {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found\n');
  }
});

smtp.listen(smtpPort, host, () => {
  web.listen(httpPort, host, () => {
    console.log(`mail-sink: SMTP on ${host}:${smtpPort}, mails at http://${host}:${httpPort}/mails`);
  });
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    web.close();
    smtp.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
