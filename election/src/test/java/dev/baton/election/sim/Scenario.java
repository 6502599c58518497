package dev.baton.election.sim;

import dev.baton.election.NotLeaderException;
import dev.baton.election.Timings;

import java.util.ArrayList;
import java.util.List;

import static dev.baton.election.sim.Simulation.MS;
import static dev.baton.election.sim.Simulation.SECOND;

/**
 * Fault schedules, each named after the failure it reproduces (the libab faults of DESIGN.md among them).
 * Every run ends the same way: all faults healed, then liveness is checked: a leader within
 * {@link #LEADER_BOUND}, the lowest non-witness id leading within the hold-down plus {@link #HANDOVER_BOUND},
 * and every node delivering the same committed entries.
 */
enum Scenario {
    /** Everything at once: crashes, restarts, pauses, partitions, cut links, loss, duplication, drift. */
    RANDOM_FAULTS {
        @Override
        void faults(Simulation sim) {
            randomFaults(sim, 12 * SECOND);
        }
    },
    /** libab: a SIGSTOPped leader resumes and keeps leading, even deposing the new one. */
    PAUSED_LEADER {
        @Override
        void faults(Simulation sim) {
            sim.withLeader(3 * SECOND + jitter(sim, 500), SECOND, leader -> {
                long pausedTerm = leader.lastGainedTerm;
                sim.pause(leader.id);
                sim.at(sim.now + 3 * SECOND, () -> {
                    int before = leader.leaderCommits.getOrDefault(pausedTerm, 0);
                    sim.resume(leader.id);
                    if (leader.gained) sim.fail("n" + leader.id + " still leads term " + pausedTerm + " after a 3 s pause");
                    // Whatever it had in flight, it must not commit anything more as the leader of its old term.
                    sim.at(sim.now + SECOND, () -> {
                        int after = leader.leaderCommits.getOrDefault(pausedTerm, 0);
                        if (after > before) {
                            sim.fail("n" + leader.id + " committed " + (after - before) + " entries as leader of term "
                                    + pausedTerm + " after resuming");
                        }
                    });
                });
            });
        }
    },
    /** libab: with one cut link between two candidates, both lead (acks are not exclusive votes). */
    CUT_LINK {
        @Override
        void faults(Simulation sim) {
            sim.at(2 * SECOND + jitter(sim, 1000), () -> sim.cutLink(1, 2));
            sim.at(4 * SECOND, () -> sim.cutLink(2, 3));
            sim.at(5 * SECOND, () -> sim.healNetwork());
            sim.at(6 * SECOND, () -> sim.cutLink(1, 3));
            sim.at(9 * SECOND, () -> sim.healNetwork());
        }
    },
    /** libab: an isolated leader of three counts its own confirmation as an ack and commits alone. */
    ISOLATED_LEADER {
        @Override
        void faults(Simulation sim) {
            sim.withLeader(3 * SECOND + jitter(sim, 500), SECOND, leader -> {
                sim.isolate(leader.id);
                long commitAtCut = leader.core.commitIndex();
                long cutAt = sim.now;
                // Appends keep arriving at the isolated leader; none may commit there while it is cut off.
                for (long t = sim.now; t < sim.now + 3 * SECOND; t += 10 * MS) {
                    sim.at(t, () -> {
                        if (!leader.up || leader.paused) return;
                        try {
                            leader.core.append(new byte[]{9}, leader.local(sim.now));
                            sim.checker.onActing(leader, "accepted an append while isolated");
                        } catch (NotLeaderException expected) {
                            // once the lease has ended; any other exception is a bug and fails the run
                        }
                    });
                }
                sim.at(cutAt + 3 * SECOND - MS, () -> {
                    if (leader.core.commitIndex() > commitAtCut) {
                        sim.fail("isolated n" + leader.id + " committed " + (leader.core.commitIndex() - commitAtCut)
                                + " entries without a majority");
                    }
                    sim.healNetwork();
                });
            });
        }
    },
    /** libab: round numbers reused after a restart overwrite committed entries. Kill everyone mid-stream. */
    RESTART_ALL {
        @Override
        void faults(Simulation sim) {
            for (int round = 0; round < 2; round++) {
                long at = (3 + 4L * round) * SECOND + jitter(sim, 1000);
                for (SimNode n : sim.nodes) {
                    int id = n.id;
                    sim.at(at + jitter(sim, 200), () -> sim.crash(id));
                    sim.at(at + 500 * MS + jitter(sim, 1500), () -> sim.start(id));
                }
            }
        }
    },
    /** libab: round numbers reused after a healed partition. Both sides keep trying to append. */
    HEALED_PARTITION {
        @Override
        void faults(Simulation sim) {
            int n = sim.nodes.size();
            for (int round = 0; round < 3; round++) {
                long at = (2 + 3L * round) * SECOND + jitter(sim, 500);
                List<Integer> side = new ArrayList<>();
                for (int id = 1; id <= n; id++) if (sim.rnd.nextBoolean()) side.add(id);
                sim.at(at, () -> sim.partition(side));
                sim.at(at + SECOND + jitter(sim, 1500), sim::healNetwork);
            }
        }
    },
    /** libab: any message from a lower id deposes the leader, so a flapping low id causes an election each time. */
    FLAPPING_LOW_ID {
        @Override
        void faults(Simulation sim) {
            long t = 4 * SECOND;
            sim.at(t, () -> sim.crash(1));
            t += SECOND;
            long flapEnd = 14 * SECOND;
            while (t < flapEnd) {
                long up = t + jitter(sim, 300);
                long down = up + SECOND + jitter(sim, 1000); // up for less than the hold-down
                sim.at(up, () -> sim.start(1));
                sim.at(down, () -> sim.crash(1));
                t = down + 500 * MS + jitter(sim, 500);
            }
            int[] termsAtStart = new int[1];
            sim.at(4 * SECOND + 1, () -> termsAtStart[0] = sim.checker.distinctLeaderTerms());
            sim.at(flapEnd + 2 * SECOND, () -> {
                int elections = sim.checker.distinctLeaderTerms() - termsAtStart[0];
                if (elections > 1) sim.fail(elections + " elections while node 1 flapped: expected at most 1");
            });
        }

        @Override
        long faultsEnd() {
            return 16 * SECOND;
        }
    },
    /** A node loses its disk (and everything it promised) and comes back, amid network faults. */
    DISK_LOSS {
        @Override
        void faults(Simulation sim) {
            int n = sim.nodes.size();
            int victim = 1 + sim.rnd.nextInt(n);
            long at = 3 * SECOND + jitter(sim, 2000);
            sim.at(at, () -> sim.crash(victim));
            sim.at(at + 100 * MS + jitter(sim, 1500), () -> {
                sim.wipeDisk(victim);
                sim.start(victim);
            });
            sim.at(at + jitter(sim, 4000), () -> sim.cutLink(1 + sim.rnd.nextInt(n), 1 + sim.rnd.nextInt(n)));
            sim.at(at + 5 * SECOND, sim::healNetwork);
        }
    },
    /**
     * Issue 7's example of a wiped disk restarted twice: with n1 leading and n3 cut off from it, entries commit
     * on n1 and n2 only; n2 loses its disk, restarts, takes one heartbeat from n1 (which writes its term), and
     * restarts again before it has caught up; then n1 dies. n2 must not help n3, which lacks those entries,
     * to a majority (n3's no-op would land on a committed index). In half of the schedules n3 is not cut off but
     * stopped the moment the first leader acts, before its first confirmed Append (as in the process test), and
     * started again when n1 dies: once n1 is back, its complete log must still win a majority.
     */
    WIPED_RESTARTED_TWICE {
        @Override
        void faults(Simulation sim) {
            boolean n3StoppedAtFirstElection = sim.rnd.nextBoolean();
            if (n3StoppedAtFirstElection) {
                sim.withLeader(0, 3 * SECOND, leader -> sim.crash(3));
            } else {
                sim.at(2 * SECOND + jitter(sim, 500), () -> sim.cutLink(1, 3));
            }
            sim.at(3 * SECOND + jitter(sim, 500), () -> {
                sim.noteAttempt();
                sim.crash(2);
                sim.wipeDisk(2);
                sim.start(2);
                restartAfterOneHeartbeat(sim, sim.now + SECOND, n3StoppedAtFirstElection);
            });
        }

        /** Polls n2's disk each millisecond: once an Append has written its term, restart it and kill n1. */
        private void restartAfterOneHeartbeat(Simulation sim, long giveUpAt, boolean startN3) {
            sim.at(sim.now + MS, () -> {
                if (sim.node(2).disk.term() == 0) {
                    if (sim.now < giveUpAt) restartAfterOneHeartbeat(sim, giveUpAt, startN3);
                    return;
                }
                sim.crash(2);
                sim.start(2);
                sim.crash(1);
                if (startN3) sim.start(3);
                sim.noteInjected();
            });
        }
    },
    /**
     * A new leader hears its promises (or its no-op's acknowledgements) and then nothing more: cut off right
     * after its election, over links slower than the lease's drift margin, so a lease timed from a promise's
     * receipt rather than from the prepare's send would outlive the promises that back it.
     */
    PARTITION_AFTER_ELECTION {
        @Override
        void faults(Simulation sim) {
            for (int round = 0; round < 2; round++) {
                boolean afterGain = sim.rnd.nextBoolean();
                sim.withLeader((3 + 5L * round) * SECOND + jitter(sim, 500), SECOND, old -> {
                    sim.crash(old.id);
                    long crashedAt = sim.now;
                    sim.noteAttempt(); // the cut itself is a second round: it needs a new leader
                    isolateNextLeader(sim, old.id, afterGain, crashedAt + 3 * SECOND);
                    sim.at(crashedAt + 1500 * MS, () -> sim.start(old.id));
                    sim.at(crashedAt + 4 * SECOND, sim::healNetwork);
                });
            }
        }

        /** Polls each millisecond (links are slower) for a new leader-elect, or a new acting leader, and cuts it off. */
        private void isolateNextLeader(Simulation sim, int old, boolean afterGain, long giveUpAt) {
            sim.at(sim.now + MS, () -> {
                for (SimNode n : sim.nodes) {
                    if (n.id == old || !n.up || n.core.role() != dev.baton.election.Role.LEADER) continue;
                    if (afterGain && !n.core.isLeading(n.local(sim.now))) continue;
                    sim.isolate(n.id);
                    sim.noteInjected();
                    return;
                }
                if (sim.now < giveUpAt) isolateNextLeader(sim, old, afterGain, giveUpAt);
            });
        }

        @Override
        void network(Simulation sim) {
            // At least the lease's drift margin (2 % of the promise, 20 ms by default) each way, and uneven.
            sim.minLatency = 20 * MS;
            sim.maxLatency = 60 * MS;
        }
    },
    /** Every node starts at the same instant with the same view: ties must resolve deterministically. */
    SIMULTANEOUS_START {
        @Override
        void startAll(Simulation sim) {
            for (SimNode n : sim.nodes) sim.start(n.id);
        }

        @Override
        void faults(Simulation sim) {
            sim.at(3 * SECOND, () -> {
                for (SimNode n : sim.nodes) sim.crash(n.id);
                for (SimNode n : sim.nodes) sim.start(n.id);
            });
        }
    },
    /** A leader stopped gracefully hands over: a successor acts at once, not after the follower timeout. */
    GRACEFUL_STOP {
        @Override
        void faults(Simulation sim) {
            for (int round = 0; round < 3; round++) {
                sim.withLeader((3 + 4L * round) * SECOND + jitter(sim, 500), SECOND, leader -> {
                    int id = leader.id;
                    long stoppedAt = sim.now;
                    sim.resignAndStop(id);
                    sim.at(stoppedAt + 300 * MS, () -> {
                        SimNode next = sim.actingLeader();
                        boolean partitioned = false;
                        for (boolean[] row : sim.cut) for (boolean c : row) partitioned |= c;
                        if ((next == null || next.id == id) && !partitioned && sim.lossRate == 0) {
                            sim.fail("no new leader 300 ms after n" + id + " resigned");
                        }
                    });
                    sim.at(stoppedAt + SECOND + jitter(sim, 1000), () -> sim.start(id));
                });
            }
        }
    },
    /** Clock rates at the edges of the 1% margin, with the leader paused and partitioned around its lease end. */
    CLOCK_DRIFT {
        @Override
        void faults(Simulation sim) {
            for (int round = 0; round < 4; round++) {
                sim.withLeader((2 + 2L * round) * SECOND + jitter(sim, 1000), SECOND, leader -> {
                    if (sim.rnd.nextBoolean()) {
                        sim.pause(leader.id);
                        sim.at(sim.now + 900 * MS + jitter(sim, 300), () -> sim.resume(leader.id));
                    } else {
                        sim.isolate(leader.id);
                        sim.at(sim.now + 900 * MS + jitter(sim, 300), sim::healNetwork);
                    }
                });
            }
        }

        @Override
        void clocks(Simulation sim) {
            for (SimNode n : sim.nodes) n.clockRate = sim.rnd.nextBoolean() ? 0.99 : 1.01;
        }
    };

    static final long LEADER_BOUND = 8 * SECOND;
    static final long HANDOVER_BOUND = 8 * SECOND;

    abstract void faults(Simulation sim);

    /** When the fault schedule is over; everything is healed then. */
    long faultsEnd() {
        return 14 * SECOND;
    }

    /** Latency and duplication for the schedule. */
    void network(Simulation sim) {
        if (this != SIMULTANEOUS_START && this != CLOCK_DRIFT) {
            sim.minLatency = 100_000;
            sim.maxLatency = (1 + sim.rnd.nextInt(5)) * MS;
            if (sim.rnd.nextInt(4) == 0) sim.duplicateRate = 0.05;
        }
    }

    void clocks(Simulation sim) {
        for (SimNode n : sim.nodes) n.clockRate = 0.99 + sim.rnd.nextDouble() * 0.02;
    }

    void startAll(Simulation sim) {
        for (SimNode n : sim.nodes) {
            int id = n.id;
            sim.at(jitter(sim, 300), () -> sim.start(id));
        }
    }

    static long jitter(Simulation sim, long maxMillis) {
        return (long) (sim.rnd.nextDouble() * maxMillis * MS);
    }

    /** The cluster shape for a seed: three or five nodes, sometimes with a witness. */
    static Simulation build(Scenario scenario, long seed, Timings timings) {
        java.util.Random shape = new java.util.Random(seed * 31 + scenario.ordinal());
        if (scenario == WIPED_RESTARTED_TWICE) return new Simulation(seed, 3, new int[0], timings);
        // Half of the schedules have five members, so majorities of three (two members down) are exercised.
        boolean five = scenario != CUT_LINK && scenario != FLAPPING_LOW_ID && shape.nextInt(2) == 0;
        int[] witnesses = shape.nextInt(3) == 0 ? new int[]{five ? 5 : 3} : new int[0];
        return new Simulation(seed, five ? 5 : 3, witnesses, timings);
    }

    /** Runs one schedule; throws {@link SimulationViolation} on the first broken invariant. */
    long run(long seed, Timings timings) {
        return runMeasured(seed, timings).historyHash();
    }

    /** What one schedule showed: its history hash and how long the cluster took to recover after healing. */
    record Result(long historyHash, long leaderAfterHealNanos, long lowestLeadsAfterHealNanos, int leaderships,
                  int faultAttempts, int faultsInjected) {
    }

    Result runMeasured(long seed, Timings timings) {
        Simulation sim = setUp(seed, timings);
        long end = faultsEnd();
        sim.runUntil(end);
        sim.healAll();
        long[] recovery = checkLiveness(sim, end);
        return new Result(sim.historyHash(), recovery[0], recovery[1], sim.checker.leaderships, sim.faultAttempts,
                sim.faultsInjected);
    }

    /** The cluster, clocks, network, client load and fault schedule for a seed, ready to run. */
    Simulation setUp(long seed, Timings timings) {
        Simulation sim = build(this, seed, timings);
        clocks(sim);
        network(sim);
        startAll(sim);
        sim.clientLoad(500 * MS, faultsEnd(), 20 * MS);
        faults(sim);
        return sim;
    }

    /** Returns the times from healing to a leader, and to the lowest non-witness id leading. */
    static long[] checkLiveness(Simulation sim, long healedAt) {
        long step = 10 * MS;
        while (sim.actingLeader() == null) {
            if (sim.now - healedAt > LEADER_BOUND) sim.fail("no leader " + LEADER_BOUND / MS + " ms after healing");
            sim.runUntil(sim.now + step);
        }
        long leaderAfter = sim.now - healedAt;
        int lowest = sim.nodes.stream().filter(n -> !n.witness).mapToInt(n -> n.id).min().orElseThrow();
        long bound = healedAt + sim.timings.holdDownNanos() + HANDOVER_BOUND;
        while (sim.actingLeader() == null || sim.actingLeader().id != lowest) {
            if (sim.now > bound) {
                SimNode l = sim.actingLeader();
                sim.fail("n" + lowest + " does not lead " + (bound - healedAt) / MS + " ms after healing; leader: "
                        + (l == null ? "none" : "n" + l.id));
            }
            sim.runUntil(sim.now + step);
        }
        long lowestAfter = sim.now - healedAt;
        // Progress, and every node converges on the same committed entries.
        sim.clientAppend();
        sim.runUntil(sim.now + 2 * SECOND);
        for (SimNode n : sim.nodes) {
            if (n.appliedIndex != sim.checker.maxCommitted) {
                sim.fail("n" + n.id + " delivered up to " + n.appliedIndex + " of " + sim.checker.maxCommitted
                        + " committed entries 2 s after a stable leader");
            }
        }
        return new long[]{leaderAfter, lowestAfter};
    }

    /** A random mix of every fault, healed at the end. */
    static void randomFaults(Simulation sim, long until) {
        int n = sim.nodes.size();
        long t = SECOND;
        while (t < until) {
            long at = t;
            int victim = 1 + sim.rnd.nextInt(n);
            long length = 100 * MS + jitter(sim, 3000);
            switch (sim.rnd.nextInt(7)) {
                case 0 -> {
                    boolean wipe = sim.rnd.nextInt(3) == 0; // a third of the crashes lose the disk
                    sim.at(at, () -> {
                        sim.crash(victim);
                        if (wipe) sim.wipeDiskIfOnlyOne(victim);
                    });
                    sim.at(at + length, () -> {
                        if (!sim.node(victim).up) sim.start(victim);
                    });
                }
                case 1 -> {
                    sim.at(at, () -> sim.pause(victim));
                    sim.at(at + length, () -> sim.resume(victim));
                }
                case 2 -> {
                    List<Integer> side = new ArrayList<>();
                    for (int id = 1; id <= n; id++) if (sim.rnd.nextBoolean()) side.add(id);
                    sim.at(at, () -> sim.partition(side));
                    sim.at(at + length, sim::healNetwork);
                }
                case 3 -> {
                    int other = 1 + sim.rnd.nextInt(n);
                    sim.at(at, () -> sim.cutLink(victim, other));
                    sim.at(at + length, sim::healNetwork);
                }
                case 4 -> {
                    double rate = 0.05 + sim.rnd.nextDouble() * 0.3;
                    sim.at(at, () -> sim.lossRate = sim.healed ? 0 : rate);
                    sim.at(at + length, () -> sim.lossRate = 0);
                }
                case 5 -> {
                    sim.at(at, () -> sim.isolate(victim));
                    sim.at(at + length, sim::healNetwork);
                }
                default -> {
                    long latency = (1 + sim.rnd.nextInt(60)) * MS;
                    sim.at(at, () -> sim.maxLatency = sim.healed ? 2 * MS : latency);
                    sim.at(at + length, () -> sim.maxLatency = 2 * MS);
                }
            }
            t += 200 * MS + jitter(sim, 1500);
        }
    }
}
