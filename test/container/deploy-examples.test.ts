import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/** Every YAML document of `path`, parsed strictly (any error or warning fails). */
function documents(path: string): unknown[] {
  return parseAllDocuments(read(path)).map((doc) => {
    assert.deepEqual([...doc.errors, ...doc.warnings], [], `${path}: not valid YAML`);
    return doc.toJS() as unknown;
  });
}

/** Walk a parsed document by keys and indexes; undefined when the path does not exist. */
function at(value: unknown, ...path: Array<string | number>): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = Reflect.get(current, key);
  }
  return current;
}

/** The image's HEALTHCHECK command (its JSON exec form in the Dockerfile). */
function dockerHealthcheck(): unknown {
  const line = /^HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])$/m.exec(read('Dockerfile'));
  assert.ok(line?.[1], 'the Dockerfile has a HEALTHCHECK in exec form');
  return JSON.parse(line[1]);
}

test('the Compose example runs relaypool in the app network namespace with a /data volume', () => {
  const [compose] = documents('deploy/compose.yaml');
  assert.equal(at(compose, 'services', 'relaypool', 'network_mode'), 'service:app');
  assert.equal(at(compose, 'services', 'relaypool', 'build', 'dockerfile'), 'Dockerfile');
  assert.deepEqual(at(compose, 'services', 'relaypool', 'volumes'), ['relaypool-data:/data']);
  assert.equal(at(compose, 'services', 'relaypool', 'ports'), undefined, 'the sidecar publishes nothing');
  assert.match(
    String(at(compose, 'services', 'app', 'environment', 'OPENAI_BASE_URL')),
    /^http:\/\/127\.0\.0\.1:9090\/v1$/,
  );
  assert.ok(at(compose, 'volumes', 'relaypool-data') !== undefined);
});

for (const file of readdirSync(new URL('deploy/kubernetes/', root)).filter((name) =>
  name.endsWith('.yaml'),
)) {
  test(`Kubernetes ${file}: a native sidecar with its Secret, probes and resource requests`, () => {
    const docs = documents(`deploy/kubernetes/${file}`);
    for (const doc of docs) {
      assert.equal(typeof at(doc, 'apiVersion'), 'string', `${file}: every document has apiVersion`);
      assert.equal(typeof at(doc, 'kind'), 'string', `${file}: every document has kind`);
    }
    const secret = docs.find((doc) => at(doc, 'kind') === 'Secret');
    assert.equal(typeof at(secret, 'stringData', 'RELAYPOOL_SECRET_KEY'), 'string');
    const deployment = docs.find((doc) => at(doc, 'kind') === 'Deployment');
    const pod = at(deployment, 'spec', 'template', 'spec');
    const sidecar = at(pod, 'initContainers', 0);
    assert.equal(at(sidecar, 'name'), 'relaypool');
    assert.equal(at(sidecar, 'restartPolicy'), 'Always', 'a native sidecar');
    assert.equal(at(sidecar, 'envFrom', 0, 'secretRef', 'name'), at(secret, 'metadata', 'name'));
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      assert.deepEqual(
        at(sidecar, probe, 'exec', 'command'),
        dockerHealthcheck(),
        `${probe} asks /health like the image`,
      );
    }
    assert.match(String(at(sidecar, 'resources', 'requests', 'cpu')), /^\d+m$/);
    assert.match(String(at(sidecar, 'resources', 'requests', 'memory')), /^\d+Mi$/);
    assert.equal(at(sidecar, 'volumeMounts', 0, 'mountPath'), '/data');
    assert.equal(at(pod, 'securityContext', 'runAsUser'), 10001, 'the image user');
    const app = at(pod, 'containers', 0);
    assert.equal(at(app, 'env', 0, 'value'), 'http://127.0.0.1:9090/v1');
    assert.ok(Number(at(pod, 'terminationGracePeriodSeconds')) > 10, 'longer than the shutdown grace period');
  });
}

test('the shared-pool variant points every pod at one PostgreSQL URL', () => {
  const docs = documents('deploy/kubernetes/shared-postgres.yaml');
  const secret = docs.find((doc) => at(doc, 'kind') === 'Secret');
  assert.match(String(at(secret, 'stringData', 'RELAYPOOL_DB')), /^postgres:\/\/[^/]+\/\w+$/);
  const deployment = docs.find((doc) => at(doc, 'kind') === 'Deployment');
  assert.ok(Number(at(deployment, 'spec', 'replicas')) > 1);
  // The URL's host is the PostgreSQL Service the file defines.
  const host = new URL(String(at(secret, 'stringData', 'RELAYPOOL_DB'))).hostname.split('.')[0];
  const service = docs.find((doc) => at(doc, 'kind') === 'Service');
  assert.equal(at(service, 'metadata', 'name'), host);
  assert.ok(
    docs.some((doc) => at(doc, 'kind') === 'StatefulSet'),
    'a PostgreSQL to point at',
  );
});
