/*
 * music.pml - a Promela model of the MUSIC lock protocol as MusicRecipes implements it:
 * src/MusicRecipes.Core/Client/MusicClient.cs over an ILockStore (the in-memory service's semantics, with
 * switches for ZooKeeper's and Cassandra's differences) and an IDataStore of 3 replicas per key.
 * docs/model.md maps every step below to the C# method that implements it, states the bounds and the
 * assumptions, lists what is NOT modelled, and gives the results.
 *
 * One file serves every run; switches (spin -DNAME ...):
 *   bounds         NC clients (1..3), NK keys (1..2), NR tickets per client, MAXOPS critical operations per hold,
 *                  MAXATT acquire attempts per ticket
 *   runs           NO_LOSS      no lease ends, expiries or forced removals (the deadlock-freedom run)
 *                  LIVENESS     bounded faults and crashes, no forced removal (the progress run, weak fairness)
 *   variants       HOLD_LEASE   MusicClientOptions.HoldLease set: waiters evict a head whose hold lease ran out
 *                  SPLIT_RELEASE  ZooKeeper/Cassandra release: per key a CAS "IF LastAcquired = own", THEN removal
 *                  CAS_LA       Cassandra's record condition IF last_acquired = read (not a full state version)
 *                  NO_FAST_ENQUEUE  no record at enqueue: every ticket takes the plain enqueue (as the in-memory and
 *                               Cassandra stores do; the default is ZooKeeper's recording enqueue, see the enqueue step)
 *                  MUTATION_J   every successful CriticalPutAsync return counts as acknowledged, even one that returns after the hold ended (finding F1, fixed: the put throws LockLostException)
 *                  MUTATION_I   the hold lease restarts at every acquire attempt (finding F2, fixed: LockRef.LeaseStartOnce)
 *   mutations      MUTATION_A  head read from a view that missed the predecessors' entries (a replica read at ONE;
 *                               ZooKeeper's unsynced read on the ticket's own session cannot miss them, docs/model.md)
 *                  MUTATION_B  sync write-back at the old holder's timestamp instead of the new holder's
 *                  MUTATION_C  the acquisition record is not conditional on the ticket being queued
 *                  MUTATION_D  forced removal / expiry records a clean release
 *                  MUTATION_E  no client-side lease: the service may expire a session before its client is told
 *                  MUTATION_F  a multi-key ticket enters its queues one at a time (not atomically)
 *                  MUTATION_G  a release judges "clean" before waiting for the puts in flight
 *                  MUTATION_K  the record at enqueue without its empty-queue condition (the multi's check that the
 *                               created node got the predicted sequence is missing)
 *
 * THE LEASE ASSUMPTION (rule 6 of docs/design.md; SessionLease.cs): the client-side lease of a session ends -
 * leaseOk[t] = 0: from then on LockRef.IsHeld is false and LossReason is set, "the holder is told" - no later
 * than the lock service can expire that session. So in the model the service's expiry of ticket t ends t's lease
 * in the same step if it has not ended yet (except in MUTATION_E, which has no lease). It stands for: lease
 * deadline = send time of the last acknowledged request + 80 % of the session timeout; the service expires no
 * earlier than the receipt of that request + the timeout; the two clocks' rates differ by less than the 20 %
 * margin. With HOLD_LEASE the same is assumed of the hold lease against a waiter's eviction, which uses the
 * recorded LastAcquiredAt: the eviction ends the holder's hold lease in the same step - unless the holder's
 * lease start was taken AFTER its record (lsAfterRec; finding F2), when the waiter's deadline can come first.
 *
 * PAUSES: Spin explores every interleaving, including those where a client takes no step at all, at ANY of its
 * steps, for an arbitrarily long stretch while the other clients, the replicas and the environment (service
 * expiry, forced removals, evictions) go on. That is a pause at that step.
 *
 * REDUCTIONS (each keeps every violation; argued in docs/model.md):
 *  - A lease ends at any moment, but only a step that READS it can tell; so a lease may end exactly before each
 *    step of its own client that reads it (leaseMayEnd) and at its expiry. Properties that read leases of other
 *    clients (mutex, loss-first) are adversarial: an unended lease can only add violations.
 *  - A write reaches each replica at its own moment, but a replica's content matters only when it is read; so a
 *    pending delivery to replica r happens (or not) right before a read of r (settle), and at the writer's
 *    acknowledgement, which needs a majority to have applied it. Replicas merge by maximum, in any order.
 */

#ifndef NC
#define NC 2
#endif
#ifndef NK
#define NK 1
#endif
#ifndef NR
#define NR 1
#endif
#ifndef MAXOPS
#define MAXOPS 2
#endif
#ifndef MAXATT
#define MAXATT 2
#endif
#define NT (NC*NR)            /* tickets: ticket t is client t / NR's ticket number t % NR */
#define MAXT 6                /* array bound for tickets (NT <= MAXT) */
#define MAXC 3                /* array bound for clients */
#define NREP 3                /* replicas per key */
#define MAXSEQ 7              /* write sequences per hold: a timestamp is ordinal * 8 + sequence */

#define HEAD 1
#define WAITING 2
#define GONE 3
#define ACK 1
#define FAIL 2
#define RECORDED 1
#define CHANGED 2
#define TICKETGONE 3

/* ---------------- the lock service: ILockStore over InMemoryLockService ---------------- */
byte ordk[MAXT*2];    /* ordinal of ticket t on key k (index t*2+k); 0 = not on that key */
bit  inq[MAXT*2];     /* ticket t is queued on key k */
byte hd[2];           /* derived: the ordinal at the head of key k's queue, 0 = empty */
byte nextOrd[2];      /* per-key ordinal counter, never reset */
byte tkeys[MAXT];     /* the key set of ticket t: bit k */
byte la[2];           /* KeyLockState.LastAcquired */
byte lcr[2];          /* KeyLockState.LastCleanRelease */
byte ver[2];          /* VersionedKeyState.Version */

/* ---------------- leases and client-visible hold state ---------------- */
bit leaseOk[MAXT];    /* t's session lease has not ended (SessionLease.IsExpired is false) */
bit holdOk[MAXT];     /* HOLD_LEASE: t's hold lease has not ended; always 1 otherwise */
bit hstarted[MAXT];   /* HOLD_LEASE: a lease start was taken for t */
bit lsAfterRec[MAXT]; /* HOLD_LEASE: t's effective lease start was taken after its first record */
bit held[MAXT];       /* LockRef in state Held (MarkHeld done, release not begun) */
bit recAny[MAXT];     /* t has recorded an acquisition */
bit exempt[MAXT];     /* t was force-removed by a third party after it recorded: outside the contract */

/* ---------------- the data store: 3 replicas per key, last write wins by timestamp ---------------- */
byte rts[2*NREP];     /* the cell's timestamp (0 = initial) */
byte rval[2*NREP];    /* the cell's value: the timestamp of the PUT that created it (0 = the initial value) */
/* one QUORUM write in flight per client and key (slot c*2+k) */
byte wts[MAXC*2];
byte wval[MAXC*2];
byte wpend[MAXC*2];   /* replicas it has not reached (bit r) */
byte wdel[MAXC*2];    /* replicas that applied it */
bit  wwait[MAXC*2];   /* its writer waits for the outcome */
bit  wmaj[MAXC*2];    /* a majority applied it while its writer waited */

/* ---------------- ghosts for the properties ---------------- */
byte lastAck[2];      /* value of the last acknowledged critical write (put or sync write-back) of key k */
byte fOrd[2];         /* fencing: the highest ordinal with an acknowledged write on k ... */
byte fVal[2];         /* ... and the value that write wrote */
byte ackPut[2];       /* value (= timestamp) of the newest acknowledged critical PUT of k */
bit bad_entry, bad_fence, bad_noloss, bad_lossfirst;
bit wt0;              /* ticket 0 is waiting to acquire (progress) */
byte gi, gj;          /* scratch for atomic steps, 0 between steps */
#ifdef MUTATION_H
byte epoch;           /* counts queue changes: what a watch notices */
#endif
#ifdef LIVENESS
byte faults = 1;      /* budget: lease ends of live clients and crashes together */
bit crashed[MAXT];
#endif

#define BIT(x,i)     (((x) >> (i)) & 1)
#define ON(t,k)      BIT(tkeys[t],k)
#define Q(t,k)       inq[(t)*2+(k)]
#define HEADK(t,k)   (!ON(t,k) || (Q(t,k) && ordk[(t)*2+(k)] == hd[k]))
#define ISHEAD(t)    (HEADK(t,0) && HEADK(t,1))
#define ISGONE(t)    ((ON(t,0) && !Q(t,0)) || (ON(t,1) && !Q(t,1)))
#define QUEUED(t)    (Q(t,0) || Q(t,1))
#define TOLD(t)      (held[t] && leaseOk[t] && holdOk[t] && !exempt[t])   /* told it holds, and may believe it */
#define HOLDK(t,k)   (TOLD(t) && ON(t,k))
#define NH(k)        (HOLDK(0,k)+HOLDK(1,k)+HOLDK(2,k)+HOLDK(3,k)+HOLDK(4,k)+HOLDK(5,k))
#define mutex_ok     (NH(0) <= 1 && NH(1) <= 1)
#define NDEL(s)      (BIT(wdel[s],0) + BIT(wdel[s],1) + BIT(wdel[s],2))
#define NPEND(s)     (BIT(wpend[s],0) + BIT(wpend[s],1) + BIT(wpend[s],2))
#define OWNER(v,k,t) (ordk[(t)*2+(k)] == ((v) >> 3))

ltl mutex     { [] mutex_ok }
ltl entry     { [] !bad_entry }
ltl fence     { [] !bad_fence }
ltl noloss    { [] !bad_noloss }
ltl lossfirst { [] !bad_lossfirst }
ltl safety    { [] (mutex_ok && !bad_entry && !bad_fence && !bad_noloss && !bad_lossfirst) }
ltl locking   { [] (mutex_ok && !bad_lossfirst) }
#ifdef LIVENESS
ltl progress  { [] (wt0 -> <> !wt0) }
#endif

/* ================= the data store ================= */

/* Replica.Apply: the newer timestamp wins; on a tie the larger value (Replica.Wins) */
inline apply(k, r, ts, v) {
  if
  :: (ts > rts[(k)*NREP+(r)] || (ts == rts[(k)*NREP+(r)] && v > rval[(k)*NREP+(r)])) ->
       rts[(k)*NREP+(r)] = ts; rval[(k)*NREP+(r)] = v
  :: else -> skip
  fi
}

/* The write in slot s reaches replica r of key k. Once a majority applied a write, where else it lands can no longer
   change what any QUORUM read returns (every majority holds it or something newer), so its slot is cleared. */
inline deliver(s, k, r) {
  printf("@ replica %d of key %d applies write ts=%d value=%d (of client %d)\n", r, k, wts[s], wval[s], (s) / 2);
  apply(k, r, wts[s], wval[s]);
  wpend[s] = wpend[s] & (7 - (1 << (r)));
  wdel[s] = wdel[s] | (1 << (r));
  if
  :: NDEL(s) >= 2 -> wpend[s] = 0; if :: wwait[s] -> wmaj[s] = 1 :: else -> skip fi
  :: else -> skip
  fi;
  if :: wpend[s] == 0 -> wts[s] = 0; wval[s] = 0; wdel[s] = 0 :: else -> skip fi
}

/* before replica r of key k is read: each write still on its way there may have arrived */
inline settle(k, r) {
  gi = 0;
  do
  :: gi < NC ->
       if
       :: BIT(wpend[gi*2+(k)], r) -> deliver(gi*2+(k), k, r)
       :: true -> skip
       fi;
       gi++
  :: else -> break
  od;
  gi = 0
}

/* ================= the lock service ================= */

/* the head of key k's queue after a removal: its smallest queued ordinal */
inline recomputeHead(k) {
  hd[k] = 0; gi = 0;
  do
  :: gi < NT ->
       if
       :: Q(gi,k) && (hd[k] == 0 || ordk[gi*2+(k)] < hd[k]) -> hd[k] = ordk[gi*2+(k)]
       :: else -> skip
       fi;
       gi++
  :: else -> break
  od;
  gi = 0
}

/* the ticket leaves every queue (InMemoryLockService.RemoveTicket) */
inline removeTicket(t) {
  if :: Q(t,0) -> Q(t,0) = 0; recomputeHead(0) :: else -> skip fi;
  if :: Q(t,1) -> Q(t,1) = 0; recomputeHead(1) :: else -> skip fi;
#ifdef MUTATION_H
  epoch = (epoch + 1) % 4;
#endif
  skip
}

/* removal by somebody else - session expiry, forced release, eviction: records nothing (rule 3) ... */
inline removeByOther(t) {
#ifdef MUTATION_D
  /* ... except in mutation D, where it leaves the key marked clean */
  if :: ON(t,0) && Q(t,0) && la[0] == ordk[(t)*2] -> lcr[0] = la[0]; ver[0]++ :: else -> skip fi;
  if :: ON(t,1) && Q(t,1) && la[1] == ordk[(t)*2+1] -> lcr[1] = la[1]; ver[1]++ :: else -> skip fi;
#endif
  removeTicket(t)
}

/* loss first (rule 6), checked as ticket t records its acquisition of key k: no other holder of the key may still
   believe it holds */
inline lossFirstCheck(k) {
  gi = 0;
  do
  :: gi < NT -> if :: gi != t && HOLDK(gi,k) -> bad_lossfirst = 1 :: else -> skip fi; gi++
  :: else -> break
  od;
  gi = 0
}

/* ================= the environment: service expiry, forced removal, eviction ================= */
/* Somebody else may remove a queued ticket at any moment, but only a lock-service step can see it (the queues and
   key states are read only there), so removals happen - any of them, or none - at the start of the lock-service
   steps that can see them, and one at a time as what wakes a waiting client (docs/model.md, "Reductions"). */
#ifdef NO_LOSS
#define removals() skip
#define removalsOwn() skip
#else
#ifdef LIVENESS
/* a crashed client's lease ends and the service expires its session; so does a live client's whose lease ended */
#define EXPIRE_OK(x) (!leaseOk[x] || crashed[x])
#else
#define EXPIRE_OK(x) (true)
#endif
#ifdef MUTATION_E
/* no lease: the service expires a session whose heartbeats stopped; its client is told later, when it next looks */
#define EXPIRE(x) removeByOther(x); printf("@ t%d: the service expires its session (its client is not told yet)\n", x)
#else
/* the service expires the session: by the lease assumption the client's lease has ended by then */
#define EXPIRE(x) leaseOk[x] = 0; removeByOther(x); printf("@ t%d: its lease ends; the service expires its session\n", x)
#endif
#if defined(LIVENESS) || defined(NO_FORCE)
#define FORCE_OK(x) (false)
#elif defined(FORCE_ANY)
#define FORCE_OK(x) (true)
#else
#define FORCE_OK(x) (!recAny[x])
#endif
#ifdef HOLD_LEASE
#define EVICT_OK(x,k) (ON(x,k) && Q(x,k) && ordk[(x)*2+(k)] == hd[k] && la[k] == ordk[(x)*2+(k)])
#else
#define EVICT_OK(x,k) (false)
#endif
#define FORCE_DO(x) if :: recAny[x] -> exempt[x] = 1 :: else -> skip fi; removeByOther(x); \
                    printf("@ t%d: force-released by a third party\n", x)
#define EVICT_DO(x) if :: !lsAfterRec[x] -> holdOk[x] = 0 :: else -> skip fi; removeByOther(x); \
                    printf("@ t%d: evicted by a waiter (its hold lease ran out by the recorded time; holder's own hold lease still running: %d)\n", x, holdOk[x])
/* somebody else may remove ticket x now (or not) */
inline removalOf(x) {
  if
  :: true -> skip
  /* the session expired (SessionLease; InMemoryLockService.Expire, a ZooKeeper session expiry, a Cassandra lease
     row past its TTL) */
  :: QUEUED(x) && EXPIRE_OK(x) -> EXPIRE(x)
  /* a third party removed it (IMusicClient.ForceReleaseAsync -> ILockStore.ForceRemoveAsync): no lease can warn of
     that (rule 6); a ticket removed after it recorded is outside the contract from then on */
  :: QUEUED(x) && FORCE_OK(x) -> FORCE_DO(x)
  /* HOLD_LEASE: LockWaiter.EvictExpiredHoldersAsync evicts the head of a key whose recorded acquisition is older
     than lease + skew; the holder's own hold lease has ended by then - unless its lease start came after its
     record (finding F2) */
  :: QUEUED(x) && (EVICT_OK(x,0) || EVICT_OK(x,1)) -> EVICT_DO(x)
  fi
}
/* before a step that reads every queue (a head check): any removals */
inline removals() {
  gj = 0;
  do
  :: gj < NT -> removalOf(gj); gj++
  :: else -> break
  od;
  gj = 0
}
/* before a step that reads only its own ticket's entries and the key states (a record, a key-state read, a release):
   only the removal of its own ticket can make a difference - or, in MUTATION_D, any removal (it writes key states) */
#ifdef MUTATION_D
#define removalsOwn() removals()
#else
#define removalsOwn() removalOf(t)
#endif
/* the same removals, one at a time, as what wakes a waiting client (not one that makes its head check at once) */
#define WAKE_BY(x) \
  :: atomic { (!prehead && x < NT && QUEUED(x) && EXPIRE_OK(x)) -> EXPIRE(x); goto ATTEMPT } \
  :: atomic { (!prehead && x < NT && QUEUED(x) && FORCE_OK(x)) -> FORCE_DO(x); goto ATTEMPT } \
  :: atomic { (!prehead && x < NT && QUEUED(x) && (EVICT_OK(x,0) || EVICT_OK(x,1))) -> EVICT_DO(x); goto ATTEMPT }
#endif

/* ================= the client: MusicClient ================= */

/* The lease clock, read by the client (LockTicket.LossReason, LockRef.IsHeld): the lease may have ended by now. */
#ifdef NO_LOSS
#define leaseMayEnd() skip
#else
#ifdef LIVENESS
#define LEASE_CAN_END (leaseOk[t] && faults > 0)
#define LEASE_SPENT   faults--
#else
#define LEASE_CAN_END (leaseOk[t])
#define LEASE_SPENT   skip
#endif
inline leaseMayEnd() {
  if
  :: LEASE_CAN_END -> leaseOk[t] = 0; LEASE_SPENT; printf("@ c%d t%d: its session lease ends\n", c, t)
  :: true -> skip
  fi;
#ifdef HOLD_LEASE
  if :: hstarted[t] && holdOk[t] -> holdOk[t] = 0; printf("@ c%d t%d: its hold lease ends\n", c, t) :: true -> skip fi
#else
  skip
#endif
}
#endif

/* the snapshot a read is judged against, taken as it begins */
inline readBegins(k) {
  ea = lastAck[k]; fo = fOrd[k]; fv = fVal[k]; ap = ackPut[k]
}

#ifdef NO_DATA
/* NO_DATA: the lock protocol alone. A write is only its outcome (acknowledged or not); no replica is modelled. The
   lock protocol never looks at data, only at whether a write succeeded, so lock-only properties are unaffected. */
inline readFirst(k) { skip }
inline readSecond(k) { skip }
inline send(k, ts, v) { sl = c*2+(k) }
inline outcome() {
  if :: res = FAIL :: res = ACK fi
}
#else
/* a QUORUM read (IDataStore.ReadAsync at QUORUM): two distinct replicas, one after the other; the newest wins
   (Replica.Newest). First half: */
inline readFirst(k) {
  if :: q1 = 0 :: q1 = 1 :: q1 = 2 fi;
  settle(k, q1);
  qts = rts[(k)*NREP+q1]; qval = rval[(k)*NREP+q1]
}
/* second half, with the checks every read is subject to */
inline readSecond(k) {
  if
  :: q1 != 0 -> q1 = 0
  :: q1 != 1 -> q1 = 1
  :: q1 != 2 -> q1 = 2
  fi;
  settle(k, q1);
  if
  :: (rts[(k)*NREP+q1] > qts || (rts[(k)*NREP+q1] == qts && rval[(k)*NREP+q1] > qval)) ->
       qts = rts[(k)*NREP+q1]; qval = rval[(k)*NREP+q1]
  :: else -> skip
  fi;
  q1 = 0;
  /* fencing: after a holder's acknowledged write, no read begun later returns an earlier holder's value */
  if :: (qval != fv && (qval >> 3) < fo) -> bad_fence = 1 :: else -> skip fi;
  /* no acknowledged put is lost: no read begun after it returns a value older than it */
  if :: (qval < ap) -> bad_noloss = 1 :: else -> skip fi
}

/* a QUORUM write with timestamp ts and value v: sent towards all 3 replicas of key k (slot sl) */
inline send(k, ts, v) {
  sl = c*2+(k); wts[sl] = ts; wval[sl] = v; wpend[sl] = 7; wdel[sl] = 0; wwait[sl] = 1; wmaj[sl] = 0
}

/* the write's outcome for its writer: acknowledged once a majority applied it; a timeout is always possible */
inline outcome() {
  if
  :: true -> res = FAIL
  :: (wmaj[sl] || NDEL(sl) + NPEND(sl) >= 2) ->
       do
       :: wmaj[sl] -> break
       :: !wmaj[sl] && BIT(wpend[sl],0) -> deliver(sl, sl % 2, 0)
       :: !wmaj[sl] && BIT(wpend[sl],1) -> deliver(sl, sl % 2, 1)
       :: !wmaj[sl] && BIT(wpend[sl],2) -> deliver(sl, sl % 2, 2)
       od;
       res = ACK
  fi;
  wwait[sl] = 0; wmaj[sl] = 0
}

#endif

/* an acknowledged critical write of value v by this ticket (ordinal o on key k) counts as acknowledged when the
   writer still holds its leases as the call returns (MUTATION_J: whenever the call returns success) */
#ifdef MUTATION_J
#define COUNTS (!exempt[t])
#else
#define COUNTS (leaseOk[t] && holdOk[t] && !exempt[t])
#endif
inline acknowledged(k, o, v) {
#ifdef NO_DATA
  skip
#else
  if
  :: COUNTS ->
       lastAck[k] = v;
       if :: o >= fOrd[k] -> fOrd[k] = o; fVal[k] = v :: else -> skip fi
  :: else -> skip
  fi
#endif
}

/* a put's outcome: EndWrite; a failure or timeout makes the hold unclean (rule 3) */
inline putOutcome() {
  sl = c*2+pk;
  outcome();
  leaseMayEnd();
  printf("@ c%d t%d: critical put of key %d returns %d (1 = success, 2 = failure/timeout)\n", c, t, pk, res);
  if
  :: res == ACK ->
       acknowledged(pk, ordk[t*2+pk], ordk[t*2+pk]*8 + seq);
#ifndef NO_DATA
       if :: COUNTS && ordk[t*2+pk]*8 + seq > ackPut[pk] -> ackPut[pk] = ordk[t*2+pk]*8 + seq :: else -> skip fi
#else
       skip
#endif
  :: res == FAIL -> dirty = 1
  fi;
  res = 0; sl = 0; pk = 0; inflight = 0
}

/* ticket t (key set mask) enters key k's queue, if k is in its set (ILockStore.EnqueueAsync; ZooKeeper: one
   sequential create per key in the enqueue's multi) */
inline enqueueOn(k) {
  if :: BIT(mask,k) -> nextOrd[k]++; ordk[t*2+(k)] = nextOrd[k]; Q(t,k) = 1;
                       if :: hd[k] == 0 -> hd[k] = nextOrd[k] :: else -> skip fi
     :: else -> skip fi
}

/* the record at enqueue of key k (ZooKeeperRecordingEnqueue: the multi's setData of the key state, at the version the
   plan read): the same record as the conditional one - loss first, then LastAcquired = own ordinal, a new version -
   remembered (prerec) so that the first record of the key answers RECORDED from it */
inline recordAtEnqueue(k) {
  if :: BIT(mask,k) -> lossFirstCheck(k); la[k] = ordk[t*2+(k)]; ver[k]++; recAny[t] = 1; prerec = prerec | (1 << (k))
     :: else -> skip fi
}

/* the next record of key k is answered from the enqueue's record (TrackedTicket.Prerecorded) */
#define PRE(k) BIT(prerec,k)

proctype Client(byte c) {
  byte r, t, k, mask, myo, seq, res, q1, qts, qval, sl, ops, synced, pk, pv, att;
  byte sla0, slc0, sv0, sla1, slc1, sv1;   /* the key states the head check read (HeadCheck.KeyStates) */
  byte vla, vlc, vv;                       /* the state PrepareKeyAsync decides on */
  byte ea, fo, fv, ap;                     /* the property snapshot of a read */
#ifdef MUTATION_H
  byte ep;
#endif
  bit wasHeld, dirty, lost, inflight, sync, first, clean;
  bit prehead;                             /* the next head check is answered from the enqueue's record */
  byte prerec;                             /* bit k: the next record of key k is answered from the enqueue's record */

  do
  :: r < NR ->
     /* ---- CreateLockRefAsync -> ILockStore.EnqueueAsync: a ticket enters all its queues at once (rule 4) ---- */
     atomic {
       t = c*NR + r;
       if
       :: NK == 1 -> mask = 1
       :: NK == 2 -> mask = 1
       :: NK == 2 -> mask = 2
       :: NK == 2 -> mask = 3
       fi;
       tkeys[t] = mask; leaseOk[t] = 1; holdOk[t] = 1;
       if :: t == 0 -> wt0 = 1 :: else -> skip fi;
#ifndef NO_FAST_ENQUEUE
       /* ZooKeeperTicketEnqueuer's recording enqueue (ZooKeeperRecordingEnqueue; the tickets here are all exclusive):
          the plan read the key states and saw every queue of the ticket empty; the multi creates the ticket's nodes,
          checks that the created nodes got the predicted sequences (no child changed since that read) and sets the
          key states at the versions read. So it records in the same atomic step as the enqueue, and only when every
          queue of the ticket is empty now (hd[k] == 0: no ticket queued on k); otherwise (or when the plan was not
          made) the plain enqueue. MUTATION_K: without the empty-queue condition. */
       if
#ifndef MUTATION_K
       :: (!BIT(mask,0) || hd[0] == 0) && (!BIT(mask,1) || hd[1] == 0) -> prehead = 1
#else
       :: true -> prehead = 1
#endif
       :: true -> skip
       fi;
#endif
#ifndef MUTATION_F
       enqueueOn(0);
       enqueueOn(1);
#else
       if :: prehead -> enqueueOn(0); enqueueOn(1) :: else -> skip fi;
#endif
       if
       :: prehead ->
            /* the head check's snapshot is the state the plan read, before this record (HeadCheck.KeyStates of the
               answer ZooKeeperLockStore.CheckHeadAsync gives from the enqueue's record) */
            sla0 = la[0]; slc0 = lcr[0]; sv0 = ver[0]; sla1 = la[1]; slc1 = lcr[1]; sv1 = ver[1];
#ifdef HOLD_LEASE
            /* MusicClient.CreateLockRefAsync starts the hold lease before such an enqueue: before its record */
            hstarted[t] = 1; holdOk[t] = 1; lsAfterRec[t] = 0;
#endif
            recordAtEnqueue(0);
            recordAtEnqueue(1);
            printf("@ c%d t%d: enqueued and recorded at once, ordinal %d on key 0, %d on key 1 (0 = not on it)\n", c, t, ordk[t*2], ordk[t*2+1])
       :: else ->
#ifndef MUTATION_F
            printf("@ c%d t%d: enqueued, ordinal %d on key 0, %d on key 1 (0 = not on it)\n", c, t, ordk[t*2], ordk[t*2+1])
#else
            skip
#endif
       fi
     }
#ifdef MUTATION_F
     /* one queue after the other, in key order (the recording enqueue above is one multi) */
     atomic { if :: !prehead -> enqueueOn(0) :: else -> skip fi }
     atomic { if :: !prehead -> enqueueOn(1) :: else -> skip fi }
#endif

ATTEMPT:
     /* ---- LockWaiter.WaitAsync -> WaitForChangeAsync: event-driven; it wakes when the ticket is first
        everywhere, when it is gone, or when its LostToken fires. (WaitAsync calls AcquireLockAsync first and waits
        only after it returned false; a head check that finds the ticket waiting comes back here, so waiting before
        it loses nothing - except for the head check answered from the enqueue's record, which says HEAD without
        looking at the queues: that one is made at once.) ---- */
#if !defined(MUTATION_A) && !defined(MUTATION_H)
     if
     :: prehead -> skip
     :: !prehead && (ISGONE(t) || ISHEAD(t)) -> skip
#ifndef NO_LOSS
     :: atomic { !prehead && LEASE_CAN_END -> leaseOk[t] = 0; LEASE_SPENT; printf("@ c%d t%d: its lease ends while it waits\n", c, t) }
     WAKE_BY(0) WAKE_BY(1) WAKE_BY(2) WAKE_BY(3) WAKE_BY(4) WAKE_BY(5)
#endif
     fi;
#endif
#ifdef MUTATION_H
     /* a lost wake-up: the queue is read, and the watch on the predecessor is armed only afterwards; a predecessor
        that leaves in between wakes nobody */
     atomic { if :: (prehead || ISGONE(t) || ISHEAD(t)) -> res = HEAD :: else -> res = WAITING fi }
     if
     :: res == WAITING ->
          atomic { res = 0; ep = epoch }
          if
          :: epoch != ep -> ep = 0
#ifndef NO_LOSS
          :: atomic { LEASE_CAN_END -> leaseOk[t] = 0; LEASE_SPENT; ep = 0 }
          WAKE_BY(0) WAKE_BY(1) WAKE_BY(2) WAKE_BY(3) WAKE_BY(4) WAKE_BY(5)
#endif
          fi
     :: else -> res = 0
     fi;
#endif
     /* ---- AcquireLockAsync: EnsureUsable reads the session lease against the clock; then
        ILockStore.CheckHeadAsync, ONE strong look at the queues and, at the head, the key states (rule 1) ---- */
     atomic {
       removals();
       leaseMayEnd();
       if
       :: !leaseOk[t] -> res = GONE
       /* the first head check after a recording enqueue makes no request: ZooKeeperLockStore.CheckHeadAsync answers
          HEAD with the key states the enqueue's plan read (the snapshot taken there) as long as the lease holds. It
          does not look at the queues: a removal since the enqueue is not seen until a watch fires (adversarial) */
       :: leaseOk[t] && prehead -> res = HEAD
       :: leaseOk[t] && !prehead && ISGONE(t) -> res = GONE
       :: leaseOk[t] && !prehead && !ISGONE(t) && ISHEAD(t) -> res = HEAD
       :: leaseOk[t] && !prehead && !ISGONE(t) && !ISHEAD(t) -> res = WAITING
#ifdef MUTATION_A
       /* a stale view (a replica read at ONE) that missed the predecessors' entries shows the ticket first */
       :: leaseOk[t] && !prehead && !ISGONE(t) && !ISHEAD(t) -> res = HEAD
#endif
       fi;
       if
       :: res == HEAD ->
            if
            :: prehead -> prehead = 0;
                 printf("@ c%d t%d: head check answered from the enqueue's record: at the head; key 0 state LastAcquired=%d LastCleanRelease=%d v%d\n", c, t, sla0, slc0, sv0)
            :: else -> sla0 = la[0]; slc0 = lcr[0]; sv0 = ver[0]; sla1 = la[1]; slc1 = lcr[1]; sv1 = ver[1];
                 printf("@ c%d t%d: head check: at the head; key 0 state LastAcquired=%d LastCleanRelease=%d v%d\n", c, t, la[0], lcr[0], ver[0])
            fi;
#ifdef HOLD_LEASE
            /* leaseStart: taken on every attempt, after the head check (the hold deadline is leaseStart + lease);
               after a record at enqueue it was taken before the enqueue (hstarted is set) */
#ifndef MUTATION_I
            if :: !hstarted[t] -> hstarted[t] = 1; holdOk[t] = 1; lsAfterRec[t] = recAny[t] :: else -> skip fi;
#else
            hstarted[t] = 1; holdOk[t] = 1; lsAfterRec[t] = recAny[t];
#endif
#endif
            res = 0
       :: res == WAITING -> res = 0; goto ATTEMPT
       :: res == GONE -> res = 0; prehead = 0; lost = 1; printf("@ c%d t%d: head check: lost (lease over or ticket gone)\n", c, t); goto RELEASE
       fi
     }

     /* ---- PrepareKeyAsync, key after key ---- */
     k = 0;
     do
     :: k < NK && !BIT(mask,k) -> k++
     :: k < NK && BIT(mask,k) ->
          atomic {
            first = 1;
            myo = ordk[t*2+k]
          }
PREPARE:
          atomic {
            removalsOwn();
            if
            :: first -> first = 0;
                 if :: k == 0 -> vla = sla0; vlc = slc0; vv = sv0
                    :: k == 1 -> vla = sla1; vlc = slc1; vv = sv1 fi
            :: else -> skip
            fi;
            if
            :: vla > myo ->
                 /* a later ticket acquired the key: ours was removed before it could record */
                 vla = 0; vlc = 0; vv = 0; lost = 1; goto RELEASE
            :: vla == myo ->
                 /* an earlier attempt recorded; sync unless that attempt finished its sync */
                 sync = !BIT(synced,k); res = RECORDED
            :: vla < myo ->
                 sync = (vla != 0 && vlc != vla);           /* KeyLockState.NeedsSyncBefore */
                 /* ILockStore.TryRecordAcquiredAsync: ONE atomic step, conditional on the ticket being queued on
                    the key and on the state version read (rules 3 and 6: record first, then sync) */
                 if
                 /* ... except the first record of a key the enqueue recorded: ZooKeeperLockStore.TryRecordAcquiredAsync
                    answers RECORDED from that record (TrackedTicket.Prerecorded), without a condition or a request;
                    once per key */
                 :: PRE(k) -> prerec = prerec & (3 - (1 << k)); res = RECORDED;
                      printf("@ c%d t%d: its record of key %d was made at enqueue (sync needed: %d)\n", c, t, k, sync)
#ifndef MUTATION_C
                 :: !PRE(k) && !Q(t,k) -> res = TICKETGONE
                 :: !PRE(k) && Q(t,k) &&
#else
                 :: !PRE(k) &&
#endif
#ifdef CAS_LA
                    la[k] != vla -> res = CHANGED
#else
                    ver[k] != vv -> res = CHANGED
#endif
                 :: else ->
                      lossFirstCheck(k);
                      la[k] = myo; ver[k]++; recAny[t] = 1; res = RECORDED;
                      printf("@ c%d t%d: records its acquisition of key %d (sync needed: %d)\n", c, t, k, sync)
                 fi
            fi;
            vla = 0; vlc = 0; vv = 0;
            if
            :: res == TICKETGONE -> res = 0; sync = 0; lost = 1; printf("@ c%d t%d: record refused: ticket gone\n", c, t); goto RELEASE
            :: res == CHANGED ->
                 /* GetKeyStateAsync: a strong read of the state and its version, then decide again */
                 res = 0; sync = 0; goto REREAD
            :: res == RECORDED -> res = 0
            fi
          }
          goto SYNC;
REREAD:
          atomic { removalsOwn(); vla = la[k]; vlc = lcr[k]; vv = ver[k]; goto PREPARE }
SYNC:
          if
          :: sync ->
               /* KeySynchronizer.SyncAsync: QUORUM read, then write back at QUORUM with this holder's own
                  fencing timestamp and a fresh sequence per attempt (rules 2 and 3) */
               atomic { readBegins(k); readFirst(k) }
               atomic {
                 readSecond(k);
                 ea = 0; fo = 0; fv = 0; ap = 0;
                 if :: seq >= MAXSEQ -> qts = 0; qval = 0; goto FAILED :: else -> skip fi;
                 seq++;
#ifdef MUTATION_B
                 send(k, qts, qval);
#else
                 send(k, myo*8 + seq, qval);
#endif
                 printf("@ c%d t%d: sync of key %d read value %d, writes it back with ts=%d\n", c, t, k, qval, wts[sl]);
                 pv = qval; qts = 0; qval = 0
               }
               atomic {
                 outcome();
                 leaseMayEnd();
                 if
                 :: res == ACK -> res = 0; sl = 0; acknowledged(k, myo, pv); pv = 0;
                      printf("@ c%d t%d: sync write-back acknowledged\n", c, t)
                 :: res == FAIL -> res = 0; sl = 0; pv = 0; sync = 0;
                      printf("@ c%d t%d: sync write-back failed or timed out: AcquireLockAsync throws\n", c, t);
                      goto FAILED
                 fi
               }
          :: else -> skip
          fi;
          atomic { sync = 0; synced = synced | (1 << k); myo = 0; k++ }   /* LockRef.MarkSynced */
     :: k >= NK -> break
     od;

     /* StartLeaseTimer, then LossReason against the clock: a holder that stalled in here is told now, not given
        the lock; else LockRef.MarkHeld */
     atomic {
       k = 0;
       leaseMayEnd();
       if
       :: !leaseOk[t] || !holdOk[t] -> lost = 1; goto RELEASE
       :: else -> held[t] = 1; wasHeld = 1; if :: t == 0 -> wt0 = 0 :: else -> skip fi;
            printf("@ c%d t%d: AcquireLockAsync returns true: it holds\n", c, t)
       fi
     }

     /* ---- the critical section ---- */
     do
     :: ops < MAXOPS && !inflight ->
          /* CriticalPutAsync: EnsureHolds reads the leases; BeginWrite; NextSequence; the QUORUM write */
          atomic {
            ops++;
            leaseMayEnd();
            if :: !leaseOk[t] || !holdOk[t] -> lost = 1; goto RELEASE :: else -> skip fi;
            if :: BIT(mask,0) -> pk = 0 :: BIT(mask,1) -> pk = 1 fi;
            if :: seq >= MAXSEQ -> pk = 0; goto RELEASE :: else -> skip fi;
            seq++;
            send(pk, ordk[t*2+pk]*8 + seq, ordk[t*2+pk]*8 + seq);
            printf("@ c%d t%d: critical put of key %d sent, ts=value=%d\n", c, t, pk, wts[sl]);
            sl = 0;
            inflight = 1
          }
     :: inflight ->
          atomic { putOutcome() }
     :: ops < MAXOPS && !inflight ->
          /* CriticalGetAsync: EnsureHolds; a QUORUM read */
          atomic {
            ops++;
            leaseMayEnd();
            if :: !leaseOk[t] || !holdOk[t] -> lost = 1; goto RELEASE :: else -> skip fi;
            if :: BIT(mask,0) -> k = 0 :: BIT(mask,1) -> k = 1 fi;
            readBegins(k);
            readFirst(k)
          }
          atomic {
            readSecond(k);
#ifndef NO_DATA
            printf("@ c%d t%d: critical get of key %d returns value %d (last acknowledged: %d)\n", c, t, k, qval, ea);
            /* entry consistency: a holder (still told it holds) reads the last acknowledged write of the key, or a
               later write of its own that was not acknowledged (or a value of a writer outside the contract) */
            if
            :: TOLD(t) && qval != ea && !((qval >> 3) == ordk[t*2+k] && qval > ea) ->
                 gi = 0;
                 do
                 :: gi < NT && !(exempt[gi] && OWNER(qval,k,gi)) -> gi++
                 :: gi < NT && exempt[gi] && OWNER(qval,k,gi) -> break
                 :: gi >= NT -> bad_entry = 1; break
                 od;
                 gi = 0
            :: else -> skip
            fi;
#endif
            qts = 0; qval = 0; ea = 0; fo = 0; fv = 0; ap = 0; k = 0
          }
#ifdef LIVENESS
     :: atomic { faults > 0 -> faults--; crashed[t] = 1; printf("@ c%d t%d: crashes\n", c, t) }; goto CRASH
#endif
     :: true -> goto RELEASE
     od;

FAILED:
     /* AcquireLockAsync threw (its sync's write failed or timed out): the caller tries again or gives up */
     att++;
     if
     :: att < MAXATT -> goto ATTEMPT
     :: true -> goto RELEASE
     fi;

RELEASE:
     /* ---- ReleaseLockAsync -> ReleaseCoreAsync ---- */
     atomic {
       held[t] = 0;                                      /* BeginRelease: no put starts now; IsHeld is false */
       printf("@ c%d t%d: release begins\n", c, t);
#ifdef MUTATION_G
       leaseMayEnd();
       clean = wasHeld && leaseOk[t] && holdOk[t] && !dirty && !lost
#else
       skip
#endif
     }
     if                                                  /* WhenWritesDrainedAsync */
     :: inflight -> atomic { putOutcome() }
     :: else -> skip
     fi;
#ifndef SPLIT_RELEASE
     /* ILockStore.ReleaseAsync (in-memory): the clean records - only where this ticket is still queued and last
        acquired - and leaving the queues, in ONE step */
     atomic {
       removalsOwn();
#ifndef MUTATION_G
       leaseMayEnd();
       clean = wasHeld && leaseOk[t] && holdOk[t] && !dirty && !lost;
#endif
       printf("@ c%d t%d: leaves the queues; clean: %d\n", c, t, clean);
       if
       :: clean ->
            if :: ON(t,0) && Q(t,0) && la[0] == ordk[t*2] -> lcr[0] = la[0]; ver[0]++ :: else -> skip fi;
            if :: ON(t,1) && Q(t,1) && la[1] == ordk[t*2+1] -> lcr[1] = la[1]; ver[1]++ :: else -> skip fi
       :: else -> skip
       fi;
       removeTicket(t)
     }
#else
     /* ZooKeeper, Cassandra: per key a compare-and-set IF LastAcquired = own ordinal (not conditional on the ticket
        being queued), then the removal */
     atomic {
       removalsOwn();
#ifndef MUTATION_G
       leaseMayEnd();
       clean = wasHeld && leaseOk[t] && holdOk[t] && !dirty && !lost;
#endif
       printf("@ c%d t%d: records its release (clean: %d), then leaves the queues\n", c, t, clean);
       if :: clean && ON(t,0) && la[0] == ordk[t*2] -> lcr[0] = la[0]; ver[0]++ :: else -> skip fi
     }
     atomic { removalsOwn(); if :: clean && ON(t,1) && la[1] == ordk[t*2+1] -> lcr[1] = la[1]; ver[1]++ :: else -> skip fi }
     atomic { removalsOwn(); removeTicket(t) }
#endif
     /* CompleteRelease: the ticket is done; reset what is per ticket and local */
     atomic {
       leaseOk[t] = 0; holdOk[t] = 0; hstarted[t] = 0; lsAfterRec[t] = 0; recAny[t] = 0;
       if :: t == 0 -> wt0 = 0 :: else -> skip fi;
       wasHeld = 0; dirty = 0; lost = 0; clean = 0; ops = 0; synced = 0; seq = 0; att = 0; mask = 0; myo = 0;
       k = 0; sla0 = 0; slc0 = 0; sv0 = 0; sla1 = 0; slc1 = 0; sv1 = 0; sync = 0; first = 0; t = 0;
       prehead = 0; prerec = 0;
       r++
     }
  :: r >= NR -> break
  od;
end_done:
  skip;
#ifdef LIVENESS
  goto end_crashed;
CRASH:
  skip;
end_crashed:
  skip
#endif
}

init {
  byte i = 0;
  atomic {
    do
    :: i < NC -> run Client(i); i++
    :: else -> break
    od;
    i = 0
  }
}
