/** The throughput table, the ratios against each peer, and the targets met or missed. */
import { printTable } from '../table.ts';
import type { PeerRow } from './throughput.ts';

const NODE_POLICY_PEERS = ['http-proxy', 'fastify', 'fast-gateway'];

/** What a bare peer is, where its name alone would not say. */
const PEER_LABELS: Record<string, string> = {
  upstream: 'direct upstream (nginx, fixed 200)',
  'undici-bare': 'bare undici proxy, request()',
  'bare:agent': 'bare undici proxy, dispatch()',
};

function x(n: number): string {
  return `${n.toFixed(2)}×`;
}

export function printThroughput(rows: readonly PeerRow[], rounds: number, seconds: number): void {
  const find = (name: string): PeerRow | undefined => rows.find((r) => r.peer.name === name);
  const single = find('gatelab');
  const clustered = rows.find((r) => r.peer.name.startsWith('gatelab ×'));
  printTable(
    `Proxy throughput: wrk -t1 -c50, ${seconds} s × ${rounds} interleaved rounds per peer (median), 127.0.0.1, one nginx upstream`,
    ['peer', 'policies', 'req/s', 'p50', 'p99', 'CPU µs/req', 'gatelab ÷ peer', `${clustered?.peer.name ?? 'cluster'} ÷ peer`, 'per-round req/s'],
    rows.map((r) => [
      PEER_LABELS[r.peer.name] ?? r.peer.name,
      r.policies ? 'key + limit + header' : 'none',
      r.rps.toFixed(0),
      `${r.p50Ms.toFixed(2)} ms`,
      `${r.p99Ms.toFixed(2)} ms`,
      r.cpuUsPerRequest.toFixed(1),
      single ? x(single.rps / r.rps) : '',
      clustered ? x(clustered.rps / r.rps) : '',
      r.perRoundRps.map((v) => v.toFixed(0)).join(' / '),
    ]),
  );
  if (!single || !clustered) return;
  const nodePeers = rows.filter((r) => NODE_POLICY_PEERS.includes(r.peer.name));
  const fastestNode = nodePeers.reduce<PeerRow | undefined>((best, r) => (!best || r.rps > best.rps ? r : best), undefined);
  const bare = find('undici-bare');
  const bareDispatch = find('bare:agent');
  const nginx = find('nginx');
  const targets: Array<[string, number | undefined, number]> = [
    [`gatelab ≥ 1.5× the fastest Node peer (${fastestNode?.peer.name ?? '?'})`, fastestNode && single.rps / fastestNode.rps, 1.5],
    ['gatelab ≥ 0.80× the bare undici proxy (request())', bare && single.rps / bare.rps, 0.8],
    ['gatelab ≥ 0.80× the bare undici proxy (dispatch())', bareDispatch && single.rps / bareDispatch.rps, 0.8],
    ['gatelab (1 process) ≥ 0.30× nginx with policies', nginx && single.rps / nginx.rps, 0.3],
    [`${clustered.peer.name} ≥ 0.45× nginx with policies`, nginx && clustered.rps / nginx.rps, 0.45],
  ];
  printTable(
    'Throughput targets (ratios measured in this run)',
    ['target', 'measured', 'met'],
    targets.map(([name, value, goal]) => [name, value === undefined ? '—' : x(value), value === undefined ? '—' : value >= goal ? 'yes' : 'NO']),
  );
  const cpuRatio = bare ? single.cpuUsPerRequest / bare.cpuUsPerRequest : Number.NaN;
  console.log(`gatelab spends ${single.cpuUsPerRequest.toFixed(1)} CPU µs per request, ${x(cpuRatio)} the bare undici proxy's ${bare?.cpuUsPerRequest.toFixed(1) ?? '?'}.`);
}
