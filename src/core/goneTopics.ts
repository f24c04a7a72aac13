// Per-topic state must follow the topics that exist, or a cluster that creates and deletes topics
// all day leaks a little with every deleted one. A topic counts as gone once two consecutive
// observations (listings, audited buckets) lacked it: the second began after whatever state was
// kept for it had been recorded, so a topic that was merely created after the first observation
// is never taken for a deleted one.

export class GoneTopics {
  /** Known topics the last observation lacked. */
  private absent = new Set<string>();

  /**
   * Takes one observation: `known` are the topics state is kept for, `present` says whether the
   * observation saw a topic. Returns the topics the previous observation lacked as well, whose
   * state should go now.
   */
  sweep(known: Iterable<string>, present: (topic: string) => boolean): Set<string> {
    const absent = new Set<string>();
    const gone = new Set<string>();
    for (const topic of known) {
      if (present(topic)) continue;
      if (this.absent.has(topic)) gone.add(topic);
      else absent.add(topic);
    }
    this.absent = absent;
    return gone;
  }
}
