// Reading a cluster profile (the shared cluster profile JSON format) for display: node/GPU counts, the node x node
// link bandwidth matrix and which links are degraded.
import { EFFECTIVE_PROFILE, GPU, HISTORY_ENTRY, LINK, MEASUREMENT, NODE, PROFILE, readAll } from './fields.js';

/** Measured below this fraction of the nominal bandwidth, a link is shown as degraded. */
export const DEGRADED_FRACTION = 0.8;

/** The effective profile of a GET .../profiles answer as nodes, links and the default link bandwidth. */
export function profileOf(effective) {
  const profile = EFFECTIVE_PROFILE.profile(effective);
  return {
    measuredAt: PROFILE.measuredAt(profile),
    nodes: (PROFILE.nodes(profile) || []).map((n) => ({ ...readAll(NODE, n), gpus: (NODE.gpus(n) || []).map((g) => readAll(GPU, g)) })),
    links: (PROFILE.links(profile) || []).map((l) => readAll(LINK, l)),
    defaultBandwidthGbps: PROFILE.defaultBandwidthGbps(profile),
  };
}

export function gpuCount(profile) {
  return profile.nodes.reduce((sum, node) => sum + node.gpus.length, 0);
}

export function latestMeasurement(profile) {
  const instants = [profile.measuredAt, ...profile.nodes.map((n) => n.measuredAt), ...profile.links.map((l) => l.measuredAt)]
    .filter(Boolean)
    .map((t) => Date.parse(t))
    .filter(Number.isFinite);
  return instants.length ? new Date(Math.max(...instants)).toISOString() : null;
}

function median(values) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The inter-node link matrix. Nominal bandwidth is the profile's defaultLink when given (the fabric's rated speed
 * for unlisted pairs), otherwise the median of the measured links: most links of a cluster are healthy, so the
 * median is the speed a healthy link reaches. A listed link without a reverse entry is symmetric (profile format).
 */
export function linkMatrix(profile) {
  const nodes = profile.nodes.map((n) => n.name);
  const index = new Map(nodes.map((name, i) => [name, i]));
  const links = profile.links;
  const measured = new Map();
  for (const link of links) {
    if (index.has(link.from) && index.has(link.to)) measured.set(index.get(link.from) * nodes.length + index.get(link.to), link);
  }
  const listed = links.map((l) => l.bandwidthGbps).filter((v) => typeof v === 'number' && v > 0);
  const nominalGbps = profile.defaultBandwidthGbps > 0 ? profile.defaultBandwidthGbps : median(listed);
  const n = nodes.length;
  const cells = [];
  const degraded = [];
  const degradedPairs = new Map();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const link = measured.get(i * n + j) || measured.get(j * n + i);
      const bandwidthGbps = link ? link.bandwidthGbps : profile.defaultBandwidthGbps;
      if (bandwidthGbps === null || bandwidthGbps === undefined) continue;
      const ratio = nominalGbps ? bandwidthGbps / nominalGbps : 1;
      const isDegraded = ratio < DEGRADED_FRACTION;
      const cell = { i, j, from: nodes[i], to: nodes[j], bandwidthGbps, ratio, measured: Boolean(link), degraded: isDegraded, link };
      cells.push(cell);
      // One physical link is one pair of nodes, whether one direction or both are listed (profile format): it
      // counts once, at its slower direction.
      if (isDegraded) {
        const pair = Math.min(i, j) * n + Math.max(i, j);
        if (!degradedPairs.has(pair)) degradedPairs.set(pair, degraded.push(cell) - 1);
        else if (bandwidthGbps < degraded[degradedPairs.get(pair)].bandwidthGbps) degraded[degradedPairs.get(pair)] = cell;
      }
    }
  }
  return { nodes, nominalGbps, cells, degraded };
}

/**
 * The measurements of one link (both directions) from the history answer: entries of {kind, subject "from->to",
 * measuredAt, receivedAt, stale} with the measured link as their value.
 */
export function linkHistory(entries, from, to) {
  const points = [];
  for (const entry of entries) {
    const subject = HISTORY_ENTRY.subject(entry);
    const forward = subject === `${from}->${to}`;
    const reverse = subject === `${to}->${from}`;
    if (!forward && !reverse) continue;
    const link = HISTORY_ENTRY.value(entry);
    points.push({
      at: HISTORY_ENTRY.measuredAt(entry),
      receivedAt: HISTORY_ENTRY.receivedAt(entry),
      stale: HISTORY_ENTRY.stale(entry) === true,
      bandwidthGbps: LINK.bandwidthGbps(link),
      latencyUs: LINK.latencyUs(link),
      p95BandwidthGbps: LINK.p95BandwidthGbps(link),
      direction: forward ? `${from} → ${to}` : `${to} → ${from}`,
    });
  }
  return points.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** Names of nodes whose latest measurement is stale, from the effective profile's measurement list. */
export function staleSubjects(effective) {
  const stale = new Set();
  for (const m of EFFECTIVE_PROFILE.measurements(effective) || []) if (MEASUREMENT.stale(m)) stale.add(MEASUREMENT.subject(m));
  return stale;
}
