// Secrets never reach the logs: passwords, tokens, keys and the token headers are censored wherever they appear.
import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger } from '../../src/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), text: () => lines.join('') };
}

t.test('passwords and secrets in logged bodies are censored at any depth', async (t) => {
  const { logger, text } = capture();
  logger.info({ auth: { identity: { methods: ['password'], password: { user: { name: 'u', password: 'hunter2' } } } } }, 'auth body');
  logger.info({ application_credential: { secret: 'shh-secret' } }, 'app cred');
  logger.info({ password: 'top-level-pw' }, 'x');
  t.notMatch(text(), /hunter2|shh-secret|top-level-pw/);
  t.match(text(), /"methods":\["password"\]/, 'other fields kept');
});

t.test('X-Auth-Token and X-Subject-Token headers are censored', async (t) => {
  const { logger, text } = capture();
  logger.info({ req: { headers: { 'x-auth-token': 'gAAAAAsecret1', 'x-subject-token': 'gAAAAAsecret2', host: 'h' } } }, 'request');
  t.notMatch(text(), /gAAAAAsecret/);
  t.match(text(), /"host":"h"/);
});

t.test('keys and the database connection URL are censored', async (t) => {
  const { logger, text } = capture();
  logger.info({ keys: ['a2V5a2V5a2V5'], database: { connection: 'postgresql://u:dbpass@h/k' } }, 'config');
  t.notMatch(text(), /a2V5a2V5a2V5|dbpass/);
});
