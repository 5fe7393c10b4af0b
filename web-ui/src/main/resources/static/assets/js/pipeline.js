// The pipeline timeline of one iteration: a one-forward-one-backward (1F1B, PipeDream-Flush / Megatron-LM
// non-interleaved) schedule simulated from per-micro-batch forward and backward times, so the Gantt shows where the
// bubble is. Each stage runs its warm-up forwards (p - s - 1), then alternates one forward with one backward, then
// drains its backwards; a forward waits for the previous stage's forward of that micro-batch, a backward for the
// next stage's backward (Narayanan et al., SC'21, §2.2).

export function oneFOneB({ stages, microBatches, forwardSeconds, backwardSeconds, p2pSeconds = 0 }) {
  const p = Math.max(1, Math.floor(stages));
  const m = Math.max(1, Math.floor(microBatches));
  const orders = [];
  for (let s = 0; s < p; s++) {
    const warmup = Math.min(p - s - 1, m);
    const order = [];
    for (let i = 0; i < warmup; i++) order.push({ kind: 'F', micro: i });
    let nextF = warmup;
    let nextB = 0;
    while (nextB < m) {
      if (nextF < m) order.push({ kind: 'F', micro: nextF++ });
      order.push({ kind: 'B', micro: nextB++ });
    }
    orders.push(order);
  }
  const forwardEnd = Array.from({ length: p }, () => new Float64Array(m).fill(NaN));
  const backwardEnd = Array.from({ length: p }, () => new Float64Array(m).fill(NaN));
  const cursor = new Array(p).fill(0);
  const free = new Array(p).fill(0);
  const ops = [];
  let remaining = p * m * 2;
  while (remaining > 0) {
    let progressed = false;
    for (let s = 0; s < p; s++) {
      while (cursor[s] < orders[s].length) {
        const op = orders[s][cursor[s]];
        let ready;
        if (op.kind === 'F') ready = s === 0 ? 0 : forwardEnd[s - 1][op.micro] + p2pSeconds;
        else ready = s === p - 1 ? forwardEnd[s][op.micro] : backwardEnd[s + 1][op.micro] + p2pSeconds;
        if (Number.isNaN(ready)) break;
        const start = Math.max(free[s], ready);
        const end = start + (op.kind === 'F' ? forwardSeconds : backwardSeconds);
        (op.kind === 'F' ? forwardEnd : backwardEnd)[s][op.micro] = end;
        free[s] = end;
        ops.push({ stage: s, kind: op.kind, micro: op.micro, start, end });
        cursor[s]++;
        remaining--;
        progressed = true;
      }
    }
    if (!progressed) throw new Error('pipeline schedule deadlocked');
  }
  const makespanSeconds = Math.max(...free);
  const busySeconds = m * (forwardSeconds + backwardSeconds);
  return { stages: p, microBatches: m, ops, makespanSeconds, bubbleSeconds: makespanSeconds - busySeconds, busySeconds };
}
