// Which source and target readings a flow's figures are computed from.
//
// Each cluster is polled on its own loop, and a snapshot is rebuilt after every poll. Pairing the
// latest reading of each side would, right after the source's poll ends and before the target's
// does, combine fresh source end offsets with target offsets one poll interval older: lag would
// jump by one interval's traffic and fall back a moment later.
//
// Rule: every cluster keeps its previous reading as well as its latest. When both clusters are up,
// the flow uses, of (latest, latest), (previous source, latest target) and (latest source,
// previous target), the pair read closest together in time; on a tie the newest pair wins. So
// between the end of the source's poll and the end of the target's, the flow keeps the pair of
// the previous cycle, and both move on together. When a side is down (its last poll failed) its
// latest reading is the best there is and will not be followed by a fresher one soon: the flow
// then pairs the latest readings, and the reading ages in the snapshot say how old each side is.

export interface Reading {
  readAtMs: number;
}

export interface ReadingSide<R extends Reading> {
  up: boolean;
  latest: R | null;
  previous: R | null;
}

export interface ReadingPair<R extends Reading> {
  source: R | null;
  target: R | null;
}

export function pairReadings<R extends Reading>(source: ReadingSide<R>, target: ReadingSide<R>): ReadingPair<R> {
  const latest = { source: source.latest, target: target.latest };
  if (!source.up || !target.up || !source.latest || !target.latest) return latest;
  let best: ReadingPair<R> = latest;
  let bestSkew = Math.abs(source.latest.readAtMs - target.latest.readAtMs);
  const candidates: [R | null, R | null][] = [
    [source.previous, target.latest],
    [source.latest, target.previous],
  ];
  for (const [s, t] of candidates) {
    if (!s || !t) continue;
    const skew = Math.abs(s.readAtMs - t.readAtMs);
    if (skew < bestSkew) {
      best = { source: s, target: t };
      bestSkew = skew;
    }
  }
  return best;
}
