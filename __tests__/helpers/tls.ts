import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A self-signed certificate (its own CA) for 127.0.0.1 and localhost, made with openssl in `dir`:
 * the PEM texts and the files that hold them.
 */
export function selfSignedCert(
  dir: string,
  name: string
): { pem: string; key: string; pemFile: string; keyFile: string } {
  const keyFile = path.join(dir, `${name}.key`);
  const pemFile = path.join(dir, `${name}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      pemFile,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:proxied.ci-relay.test'
    ],
    { stdio: 'ignore' }
  );
  return { pem: fs.readFileSync(pemFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8'), pemFile, keyFile };
}
