import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config';
import { toHttpError } from '../../shared/http/errors-to-http';
import { qrKeyProvider, secretsExtensionReader } from '../../shared/qr/key-provider';

/**
 * The cloud reader of the QR keys against a stand-in for the Parameters and Secrets extension: a
 * tiny HTTP server on 127.0.0.1, answering as the extension does (GetSecretValue's JSON on 200).
 */
const ARN = 'arn:aws:secretsmanager:ap-southeast-1:000000000000:secret:sipas/qr-keys-AbC123';
const TOKEN = 'session-token-of-the-function';
const KEYS = { current: 1, retired: [], k1: 'key-version-1-0123456789abcdef0123456789ab' };

type Answer = { status: number; body: string };
let answer: Answer;
let requests: { url: string; headers: IncomingHttpHeaders }[];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  requests = [];
  answer = {
    status: 200,
    body: JSON.stringify({ ARN, Name: 'sipas/qr-keys', SecretString: JSON.stringify(KEYS) }),
  };
});

describe('reading the QR keys through the secrets extension', () => {
  it('asks for the secret by its encoded ARN with the session token, and returns SecretString', async () => {
    const read = secretsExtensionReader(ARN, TOKEN, baseUrl);
    expect(JSON.parse(await read())).toEqual(KEYS);
    expect(requests).toHaveLength(1);
    const url = new URL(requests[0]!.url, baseUrl);
    expect(url.pathname).toBe('/secretsmanager/get');
    expect(url.searchParams.get('secretId')).toBe(ARN);
    // the ARN's colons and slash are percent-encoded, not passed raw
    expect(requests[0]!.url).toContain('secretId=arn%3Aaws%3Asecretsmanager');
    expect(requests[0]!.headers['x-aws-parameters-secrets-token']).toBe(TOKEN);
  });

  it('fails with the status and the extension’s reason on a non-200 answer', async () => {
    answer = { status: 400, body: 'not ready to serve traffic, please wait' };
    await expect(secretsExtensionReader(ARN, TOKEN, baseUrl)()).rejects.toThrow(
      /HTTP 400 not ready to serve traffic/,
    );
    answer = { status: 403, body: '' };
    await expect(secretsExtensionReader(ARN, TOKEN, baseUrl)()).rejects.toThrow(/HTTP 403/);
  });

  it('fails clearly on an answer without a SecretString or that is not JSON', async () => {
    answer = { status: 200, body: JSON.stringify({ ARN, SecretBinary: 'AAAA' }) };
    await expect(secretsExtensionReader(ARN, TOKEN, baseUrl)()).rejects.toThrow('the QR key secret is empty');
    answer = { status: 200, body: '<html>' };
    await expect(secretsExtensionReader(ARN, TOKEN, baseUrl)()).rejects.toThrow(/other than JSON/);
  });

  it('names the missing session token and sends nothing without it', async () => {
    await expect(secretsExtensionReader(ARN, undefined, baseUrl)()).rejects.toThrow(/AWS_SESSION_TOKEN/);
    expect(requests).toHaveLength(0);
  });

  it('caches the parsed keys for five minutes, then asks the extension again', async () => {
    let clock = 1_000_000;
    const config = loadConfig({ TABLE_NAME: 't', QR_SECRET_ARN: ARN, AWS_SESSION_TOKEN: TOKEN });
    const keys = qrKeyProvider(config, () => clock, baseUrl);
    expect(await keys()).toEqual({ current: 1, retired: [], keys: { '1': KEYS.k1 } });
    clock += 5 * 60 * 1000 - 1;
    await keys();
    expect(requests).toHaveLength(1);
    // a rotation: the next read after five minutes sees the new current version
    answer = {
      status: 200,
      body: JSON.stringify({
        ARN,
        SecretString: JSON.stringify({ ...KEYS, current: 2, k2: `${KEYS.k1}-v2` }),
      }),
    };
    clock += 1;
    expect((await keys()).current).toBe(2);
    expect(requests).toHaveLength(2);
  });

  it('refuses a secret that is not a valid key set', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({ ARN, SecretString: JSON.stringify({ current: 3, k1: 'x' }) }),
    };
    const config = loadConfig({ TABLE_NAME: 't', QR_SECRET_ARN: ARN, AWS_SESSION_TOKEN: TOKEN });
    const error = await qrKeyProvider(config, Date.now, baseUrl)().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/the QR key set is not valid: .*current key version/);
    // the operator's mistake, not the citizen's: a 500, never a 400 blaming the request
    expect(toHttpError(error).status).toBe(500);
  });
});
