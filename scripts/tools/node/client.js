// An example ipcase client in Node, built from proto/ at run time with
// @grpc/grpc-js and @grpc/proto-loader (pinned in package-lock.json here).
// It files a complaint, retries it with the same request_id (the server
// answers with the same matter and writes nothing), reads it back, lists
// matters page by page with page tokens and reads the matter's events.
//
// proto/ imports google/api/annotations.proto (the HTTP rules of the
// gateway); scripts/protodeps.sh puts it in .cache/googleapis, which
// scripts/dev.sh runs for you. Install the libraries, then run:
//
//	npm ci --prefix .cache/node   # with package.json and package-lock.json copied there,
//	                              # as scripts/test.sh does
//	NODE_PATH=.cache/node/node_modules IPCASE_TOKEN=$(cat .run/officer.token) \
//	  node scripts/tools/node/client.js 127.0.0.1:7070
//
// It prints one JSON object: what each call returned, for a reader or a
// test to check. Errors are printed with their gRPC code and field
// violations, decoded from grpc-status-details-bin.
'use strict';

const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const root = process.env.IPCASE_ROOT || path.resolve(__dirname, '../../..');
const [addr = '127.0.0.1:7070'] = process.argv.slice(2);
const token = process.env.IPCASE_TOKEN;
if (!token) {
  console.error('client: set IPCASE_TOKEN to an officer token (scripts/dev.sh writes one to .run/officer.token)');
  process.exit(2);
}

const def = loader.loadSync('ipcase/v1/filing_service.proto', {
  includeDirs: [path.join(root, 'proto'), path.join(root, '.cache/googleapis')],
  keepCase: true, // the fields as proto/ spells them: request_id, next_page_token
  enums: String,
  defaults: false,
  oneofs: true,
});
const ipcase = grpc.loadPackageDefinition(def).ipcase.v1;
const filing = new ipcase.FilingService(addr, grpc.credentials.createInsecure());

// call invokes method with the bearer token and resolves with its response.
function call(method, req) {
  const md = new grpc.Metadata();
  md.set('authorization', 'Bearer ' + token);
  return new Promise((resolve, reject) => {
    filing[method](req, md, { deadline: Date.now() + 10000 }, (err, resp) => (err ? reject(err) : resolve(resp)));
  });
}

// violations decodes the field violations of an INVALID_ARGUMENT error
// (google.rpc.Status → google.rpc.BadRequest) without the googleapis
// protos: a minimal protobuf reader of the three messages.
function violations(err) {
  const bin = err.metadata && err.metadata.get('grpc-status-details-bin')[0];
  if (!bin) return [];
  const out = [];
  for (const [f, v] of fields(bin)) {
    if (f !== 3) continue; // Status.details: Any
    let typeUrl = '', value = null;
    for (const [g, w] of fields(v)) {
      if (g === 1) typeUrl = w.toString();
      if (g === 2) value = w;
    }
    if (!typeUrl.endsWith('google.rpc.BadRequest') || !value) continue;
    for (const [h, fv] of fields(value)) {
      if (h !== 1) continue;
      const viol = {};
      for (const [k, x] of fields(fv)) viol[k === 1 ? 'field' : 'description'] = x.toString();
      out.push(viol);
    }
  }
  return out;
}

// fields yields the length-delimited fields of a protobuf message.
function* fields(buf) {
  let i = 0;
  const varint = () => {
    let n = 0, shift = 0, b;
    do { b = buf[i++]; n += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return n;
  };
  while (i < buf.length) {
    const key = varint();
    const wire = key & 7;
    if (wire === 2) {
      const len = varint();
      yield [Math.floor(key / 8), buf.subarray(i, i + len)];
      i += len;
    } else if (wire === 0) varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else return;
  }
}

async function main() {
  const complaint = {
    request_id: 'node-example-' + process.pid + '-' + Date.now(),
    complainant: { kind: 'PARTY_KIND_ORGANIZATION', display_name: '福州云端文化传播有限公司', credit_code: '91350100M000100Y43' },
    respondents: [{ kind: 'PARTY_KIND_PERSON', display_name: '张三' }],
    rights: [{ type: 'IP_TYPE_COPYRIGHT', title: '《山海行记》' }],
    facts: 'Photographs offered for download without licence.',
    agency: 'SAMR-HZ',
  };
  const out = {};
  const first = await call('SubmitComplaint', complaint);
  const retry = await call('SubmitComplaint', complaint); // same request_id: the same answer
  out.submitted = { name: first.matter.name, number: first.matter.number, etag: first.matter.etag };
  out.retried = { name: retry.matter.name, number: retry.matter.number };
  out.got = (await call('GetMatter', { name: first.matter.name })).matter.name;

  // Every matter, two to a page, following next_page_token to the end.
  out.pages = [];
  let page_token = '';
  do {
    const resp = await call('ListMatters', { page_size: 2, page_token });
    out.pages.push(resp.matters.map((m) => m.name));
    page_token = resp.next_page_token;
  } while (page_token);

  const evs = await call('ListMatterEvents', { parent: first.matter.name });
  out.events = evs.events.map((e) => ({ sequence: Number(e.sequence), type: e.type, hash: e.hash, previous_hash: e.previous_hash }));

  // Bad input: INVALID_ARGUMENT with the field that is wrong.
  try {
    await call('SubmitComplaint', { ...complaint, request_id: complaint.request_id + '-bad', complainant: { ...complaint.complainant, credit_code: '91350100M000100Y44' } });
    out.refused = null;
  } catch (err) {
    out.refused = { code: grpc.status[err.code], violations: violations(err) };
  }
  console.log(JSON.stringify(out));
}

main().then(() => filing.close(), (err) => {
  console.error('client:', err.code !== undefined ? grpc.status[err.code] + ': ' + err.details : err);
  process.exit(1);
});
