// Reading a cluster profile (the shared cluster profile JSON format) for display: node/GPU counts, the node x node
// link bandwidth matrix and which links are degraded.

/** Measured below this fraction of the nominal bandwidth, a link is shown as degraded. */
export const DEGRADED_FRACTION = 0.8;

/** The effective profile inside a cluster answer, whether the API returns it bare or under a key. */
export function profileOf(cluster) {
  if (!cluster || typeof cluster !== 'object') return { nodes: [], links: [] };
  if (Array.isArray(cluster.nodes)) return cluster;
  for (const key of ['profile', 'effectiveProfile', 'effective', 'latestProfile']) {
    if (cluster[key] && Array.isArray(cluster[key].nodes)) return cluster[key];
  }
  return { nodes: [], links: [] };
}

export function gpuCount(profile) {
  return (profile.nodes || []).reduce((sum, node) => sum + (node.gpus ? node.gpus.length : 0), 0);
}

export function latestMeasurement(profile) {
  const instants = [profile.measuredAt, ...(profile.nodes || []).map((n) => n.measuredAt), ...(profile.links || []).map((l) => l.measuredAt)]
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
  const nodes = (profile.nodes || []).map((n) => n.name);
  const index = new Map(nodes.map((name, i) => [name, i]));
  const links = profile.links || [];
  const measured = new Map();
  for (const link of links) {
    if (index.has(link.from) && index.has(link.to)) measured.set(index.get(link.from) * nodes.length + index.get(link.to), link);
  }
  const listed = links.map((l) => l.bandwidthGbps).filter((v) => typeof v === 'number' && v > 0);
  const nominalGbps = profile.defaultLink && profile.defaultLink.bandwidthGbps > 0 ? profile.defaultLink.bandwidthGbps : median(listed);
  const n = nodes.length;
  const cells = [];
  const degraded = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const link = measured.get(i * n + j) || measured.get(j * n + i);
      const bandwidthGbps = link ? link.bandwidthGbps : profile.defaultLink ? profile.defaultLink.bandwidthGbps : null;
      if (bandwidthGbps === null || bandwidthGbps === undefined) continue;
      const ratio = nominalGbps ? bandwidthGbps / nominalGbps : 1;
      const isDegraded = ratio < DEGRADED_FRACTION;
      const cell = { i, j, from: nodes[i], to: nodes[j], bandwidthGbps, ratio, measured: Boolean(link), degraded: isDegraded, link };
      cells.push(cell);
      // A link listed in one direction stands for both (profile format); list that pair once, not twice.
      if (isDegraded && (link ? link.from === nodes[i] || !measured.has(j * n + i) && i < j : i < j)) degraded.push(cell);
    }
  }
  return { nodes, nominalGbps, cells, degraded };
}

/** Reads a measurement's stored body, which the API may send as JSON text or as an object. */
function bodyOf(entry) {
  const body = entry && (entry.body ?? entry.value ?? entry.measurement);
  if (typeof body === 'string') {
    try {
      return JSON.parse(body);
    } catch {
      return null;
    }
  }
  return body && typeof body === 'object' ? body : null;
}

/**
 * The measurements of one link (both directions) from the history answer: entries of {kind, subject "from->to",
 * measuredAt, receivedAt, stale} with the measured link in their body when the API includes it.
 */
export function linkHistory(entries, from, to) {
  const points = [];
  for (const entry of entries) {
    const body = bodyOf(entry) || (entry && entry.bandwidthGbps !== undefined ? entry : null);
    const subject = entry.subject || (body ? `${body.from}->${body.to}` : '');
    const forward = subject === `${from}->${to}`;
    const reverse = subject === `${to}->${from}`;
    if (!forward && !reverse) continue;
    points.push({
      at: entry.measuredAt || (body && body.measuredAt) || entry.receivedAt,
      receivedAt: entry.receivedAt,
      stale: entry.stale === true,
      bandwidthGbps: body ? body.bandwidthGbps : undefined,
      latencyUs: body ? body.latencyUs : undefined,
      p95BandwidthGbps: body ? body.p95BandwidthGbps : undefined,
      direction: forward ? `${from} → ${to}` : `${to} → ${from}`,
    });
  }
  return points.filter((p) => p.at).sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** Names of nodes whose latest measurement is stale, from the effective profile's measurement list. */
export function staleSubjects(effective) {
  const stale = new Set();
  for (const m of (effective && effective.measurements) || []) if (m.stale) stale.add(m.subject);
  return stale;
}
