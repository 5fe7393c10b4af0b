// Validates every object in the given multi-document YAML files against the Kubernetes API
// OpenAPI schemas shipped by the npm package kubernetes-models (a kubeconform substitute that
// needs no network). Prints one line per object; exits 1 if any object is invalid or of a kind
// the schemas do not know, so nothing is skipped silently.
import fs from 'node:fs';
import { parseAllDocuments } from 'yaml';

let failures = 0;
for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    if (document.errors.length > 0) {
      failures++;
      console.log(`FAIL ${file}: YAML error ${document.errors[0].message}`);
      continue;
    }
    const object = document.toJSON();
    if (!object) continue;
    const name = `${object.kind}/${object.metadata?.name}`;
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      failures++;
      console.log(`FAIL ${name}: apiVersion and kind are required`);
      continue;
    }
    const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
    const module = await import(`kubernetes-models/${group ? group + '/' : ''}${version}/${object.kind}`).catch(() => null);
    if (!module) {
      failures++;
      console.log(`FAIL ${name}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new module[object.kind](object).validate();
      console.log(`OK   ${name}`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${name}: ${error.message.split('\n').join(' ')}`);
    }
  }
}
process.exit(failures > 0 ? 1 : 0);
