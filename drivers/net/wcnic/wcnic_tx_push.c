/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TX push mode: each packet becomes one entry written straight into the
 * device BAR (a descriptor header, DMA segments for what does not fit, and
 * the first bytes of the frame inline), with whole 64-byte line stores.
 * One fence and one doorbell per burst; an extra doorbell only when the
 * device's per-doorbell budget (TX_BURST_MAX) runs out.
 *
 * Entries are composed in the queue's stage (wcnic_ethdev.h) and then
 * copied out as whole lines: the header and the frame bytes must share
 * lines, and a line written in pieces would leave the CPU as 8-byte
 * fragments in no guaranteed order (doc/device-spec.md). The part of the
 * stage a burst uses stays in L1; the BAR sees only full-line stores.
 *
 * Entries that use all their lines (in a 128-byte entry: every frame of
 * 49 to 112 bytes, and every one-segment frame longer than that) are
 * staged back to back in ring order, and a run of them leaves with one call of the
 * line copier instead of one per packet. An entry that uses fewer lines
 * leaves on its own, so the BAR never sees lines the device does not read.
 *
 * The common cases, a one-segment frame that fits whole into an entry and
 * fills it, and a one-segment frame too long for that, run in loops that
 * call nothing, so their state stays in registers; every other packet is
 * built out of line (push_entry_any()).
 *
 * On x86-64, with 128-byte entries and a non-temporal store variant, the
 * first of those cases skips the stage: each entry goes from the frame
 * straight into its slot in the variant's own stores (push_direct_sse2()
 * and its AVX siblings), which saves composing it in the stage and reading
 * it back. The burst function is then built once per variant, for its
 * instruction set (PUSH_BURST_DIRECT()); the queue's variant picks one
 * (txq->push_direct).
 *
 * With TX checksum offloads (interface 1.1) the port runs
 * wcnic_xmit_push_csum(): the same loops, each packet's checksum request
 * (wcnic_tx_csum_req()) going into its entry's flags and hdr_lens; a
 * request the device would refuse ends a run, and the out-of-line builder
 * drops and counts it. Without the offloads the request is the constant
 * 0 and the loops compile as if it did not exist.
 */
#include <string.h>

#include "wcnic_tx_common.h"
#if defined(RTE_ARCH_X86_64)
#include "wcnic_push_direct.h"
#endif

/*
 * The header's first 8 bytes (pkt_len, inline_len, nb_sg, flags, hdr_lens);
 * the other 8 (cookie, rsvd1) are 0. req is the packet's checksum request
 * (wcnic_tx_csum_req(): flags in bits 7:0, hdr_lens in bits 23:8), 0 for
 * none.
 */
static __rte_always_inline uint64_t
push_hdr_word(uint16_t pkt_len, uint16_t inline_len, uint8_t nb_sg, uint32_t req)
{
	return rte_cpu_to_le_64((uint64_t)pkt_len | (uint64_t)inline_len << 16 |
				(uint64_t)nb_sg << 32 | (uint64_t)req << 40);
}

/* The header as two 8-byte stores: no partial-field writes into the entry. */
static __rte_always_inline void
push_hdr_write(uint8_t *entry, uint16_t pkt_len, uint16_t inline_len, uint8_t nb_sg,
	       uint32_t req)
{
	uint64_t *hdr = (uint64_t *)entry;

	hdr[0] = push_hdr_word(pkt_len, inline_len, nb_sg, req);
	hdr[1] = 0;
}

static __rte_always_inline void
push_sg_write(uint8_t *entry, unsigned int i, uint64_t iova, uint32_t len)
{
	uint64_t *sg = (uint64_t *)(entry + WCNIC_PUSH_HDR_SIZE + i * WCNIC_SG_SIZE);

	sg[0] = rte_cpu_to_le_64(iova);
	sg[1] = rte_cpu_to_le_64((uint64_t)len); /* rsvd (upper half) is 0 */
}

static __rte_always_inline unsigned int
push_lines(unsigned int used_bytes)
{
	return (used_bytes + WCNIC_CACHE_LINE - 1) / WCNIC_CACHE_LINE;
}

/*
 * A range of frame lengths, lo..hi, tested with one unsigned compare:
 * len - lo <= span. An empty range gets a lo past any 16-bit length.
 */
struct push_len_range {
	uint32_t lo;
	uint32_t span;
};

static __rte_always_inline struct push_len_range
push_len_range(uint32_t lo, uint32_t hi)
{
	if (lo > hi)
		return (struct push_len_range){ .lo = UINT16_MAX + 1, .span = 0 };
	return (struct push_len_range){ .lo = lo, .span = hi - lo };
}

static __rte_always_inline bool
push_len_in(struct push_len_range r, uint16_t len)
{
	return (uint32_t)len - r.lo <= r.span;
}

/*
 * A frame that fits whole into the entry, as `lines` lines. The device
 * reads only inline_len bytes, so when the mbuf buffer is long enough the
 * copy runs on to the end of the last line: fixed-size copies of whole
 * lines (plain moves once inlined) instead of a variable-length copy.
 */
static __rte_always_inline void
push_build_inline(const struct rte_mbuf *m, uint16_t len, unsigned int lines, uint8_t *entry,
		  uint32_t req)
{
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned int i;

	push_hdr_write(entry, len, len, 0, req);
	if (unlikely((uint32_t)m->buf_len - m->data_off <
		     lines * WCNIC_CACHE_LINE - WCNIC_PUSH_HDR_SIZE)) {
		memcpy(entry + WCNIC_PUSH_HDR_SIZE, data, len);
		return;
	}
	memcpy(entry + WCNIC_PUSH_HDR_SIZE, data, WCNIC_CACHE_LINE - WCNIC_PUSH_HDR_SIZE);
	data += WCNIC_CACHE_LINE - WCNIC_PUSH_HDR_SIZE;
	for (i = 1; i < lines; i++, data += WCNIC_CACHE_LINE)
		memcpy(entry + i * WCNIC_CACHE_LINE, data, WCNIC_CACHE_LINE);
}

/*
 * The common case: a frame of at least a line that fits whole into the
 * entry and fills all its lines. The first line takes the header and the
 * frame's first 48 bytes, middle lines whole 64-byte pieces, and the last
 * line the 64 bytes that end the frame, copied to where they belong
 * (overlapping what came before with the same bytes). Every copy has a
 * fixed size, so they become plain moves, and none reads past the frame;
 * the last line's bytes beyond the frame are whatever the stage held
 * (zeros or this queue's earlier frames).
 */
static __rte_always_inline void
push_build_full(const struct rte_mbuf *m, uint16_t len, uint8_t *entry,
		const uint16_t entry_size, uint32_t req)
{
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned int i;

	push_hdr_write(entry, len, len, 0, req);
	memcpy(entry + WCNIC_PUSH_HDR_SIZE, data, WCNIC_CACHE_LINE - WCNIC_PUSH_HDR_SIZE);
	for (i = 1; i + 1 < entry_size / WCNIC_CACHE_LINE; i++)
		memcpy(entry + i * WCNIC_CACHE_LINE, data + i * WCNIC_CACHE_LINE - WCNIC_PUSH_HDR_SIZE,
		       WCNIC_CACHE_LINE);
	memcpy(entry + WCNIC_PUSH_HDR_SIZE + len - WCNIC_CACHE_LINE, data + len - WCNIC_CACHE_LINE,
	       WCNIC_CACHE_LINE);
}

/*
 * A frame with DMA segments: the first segment's head goes inline, the
 * rest of it and every further non-empty segment become sg elements.
 * Returns the lines to write, or 0 when the frame was dropped (counted):
 * a length the device would refuse, or more segments than an entry holds,
 * or (csum) a checksum request it would refuse. The length checked is the
 * sum of the segments, which is what the device sees, not pkt_len, which a
 * malformed mbuf may get wrong.
 */
static __rte_always_inline unsigned int
push_build_sg(struct wcnic_txq *txq, struct rte_mbuf *m, uint8_t *entry, uint32_t *frame_len,
	      const bool csum)
{
	const unsigned int max_sg = WCNIC_PUSH_MAX_SG(txq->entry_size);
	struct rte_mbuf *seg;
	uint16_t first_len = m->data_len, inline_len;
	uint32_t total;
	/* The segments after the first go by DMA, each non-empty one. */
	unsigned int nb_sg = wcnic_tx_segs(m, &total) - (first_len != 0), i = 0;
	uint32_t req = 0;

	if (!wcnic_tx_len_ok(txq, total))
		return 0;
	if (csum) {
		req = wcnic_tx_csum_req(m, total);
		if (wcnic_tx_csum_refused(txq, req))
			return 0;
	}
	if (first_len > WCNIC_PUSH_INLINE_ROOM(txq->entry_size, nb_sg))
		nb_sg++; /* the tail of the first segment goes by DMA too */
	if (nb_sg > max_sg || (nb_sg > 1 && txq->max_segs == 1)) {
		txq->stats.seg_drops++;
		return 0;
	}

	inline_len = RTE_MIN(first_len, (uint16_t)WCNIC_PUSH_INLINE_ROOM(txq->entry_size, nb_sg));
	memcpy(entry + WCNIC_PUSH_HDR_SIZE + nb_sg * WCNIC_SG_SIZE,
	       rte_pktmbuf_mtod(m, const void *), inline_len);
	if (first_len > inline_len)
		push_sg_write(entry, i++, wcnic_seg_dma_addr(txq, m) + inline_len,
			      first_len - inline_len);
	for (seg = m->next; seg != NULL; seg = seg->next)
		if (seg->data_len != 0)
			push_sg_write(entry, i++, wcnic_seg_dma_addr(txq, seg), seg->data_len);
	push_hdr_write(entry, (uint16_t)total, inline_len, (uint8_t)nb_sg, req);
	*frame_len = total;
	return push_lines(WCNIC_PUSH_HDR_SIZE + nb_sg * WCNIC_SG_SIZE + inline_len);
}

/*
 * A one-segment frame too long to go whole inline: its head fills the
 * inline room next to one sg element, which carries the rest by DMA.
 * The room is a constant for a given entry size, so the copy is too.
 */
static __rte_always_inline unsigned int
push_build_head(const struct wcnic_txq *txq, struct rte_mbuf *m, uint8_t *entry,
		const uint16_t entry_size, uint32_t req)
{
	const uint16_t room = WCNIC_PUSH_INLINE_ROOM(entry_size, 1);

	memcpy(entry + WCNIC_PUSH_HDR_SIZE + WCNIC_SG_SIZE, rte_pktmbuf_mtod(m, const void *),
	       room);
	push_sg_write(entry, 0, wcnic_seg_dma_addr(txq, m) + room, m->data_len - room);
	push_hdr_write(entry, m->data_len, room, 1, req);
	return entry_size / WCNIC_CACHE_LINE;
}

/* What push_entry_any() made of a packet. */
struct push_built {
	uint16_t lines;     /* lines of the entry; 0: dropped, counted and freed */
	bool free_now;      /* carried whole inline: the mbuf can go at once */
	uint32_t frame_len;
};

/*
 * Any packet as an entry for slot `tail`: whole inline when it fits,
 * otherwise with DMA segments; or dropped when the device would refuse it.
 * Out of line (push_entry_any(), push_entry_any_csum()), so that the loops
 * of push_burst() call nothing.
 */
static __rte_always_inline struct push_built
push_entry_build(struct wcnic_txq *txq, struct rte_mbuf *m, uint8_t *entry, uint16_t tail,
		 const bool csum)
{
	struct push_built b = { .frame_len = m->data_len };

	if (m->nb_segs == 1 && m->data_len <= WCNIC_PUSH_INLINE_ROOM(txq->entry_size, 0)) {
		uint32_t req = 0;

		if (!wcnic_tx_len_ok(txq, m->data_len)) {
			rte_pktmbuf_free(m);
			return b;
		}
		if (csum) {
			req = wcnic_tx_csum_req(m, m->data_len);
			if (wcnic_tx_csum_refused(txq, req)) {
				rte_pktmbuf_free(m);
				return b;
			}
		}
		b.lines = push_lines(WCNIC_PUSH_HDR_SIZE + m->data_len);
		push_build_inline(m, m->data_len, b.lines, entry, req);
		b.free_now = true;
		return b;
	}
	b.lines = push_build_sg(txq, m, entry, &b.frame_len, csum);
	if (b.lines == 0) {
		rte_pktmbuf_free(m);
		return b;
	}
	/* The device reads the sg buffers later: free on completion. */
	wcnic_tx_hold(txq, tail, m);
	txq->held_mbufs++;
	return b;
}

static __rte_noinline struct push_built
push_entry_any(struct wcnic_txq *txq, struct rte_mbuf *m, uint8_t *entry, uint16_t tail)
{
	return push_entry_build(txq, m, entry, tail, false);
}

static __rte_noinline struct push_built
push_entry_any_csum(struct wcnic_txq *txq, struct rte_mbuf *m, uint8_t *entry, uint16_t tail)
{
	return push_entry_build(txq, m, entry, tail, true);
}

static __rte_always_inline uint8_t *
push_slot(const struct wcnic_txq *txq, uint16_t index, const uint16_t entry_size)
{
	return txq->push_ring + (uint32_t)(index & txq->mask) * entry_size;
}

/*
 * Copy the entries staged from stage up to staged_end into slots first,
 * first + 1, ...: one copy, or two where the run wraps around the end of
 * the ring. No fence here: the doorbell has it.
 */
static __rte_always_inline void
push_stage_flush(const struct wcnic_txq *txq, const uint8_t *stage, const uint8_t *staged_end,
		 uint16_t first, const uint16_t entry_size)
{
	const unsigned int entry_lines = entry_size / WCNIC_CACHE_LINE;
	unsigned int nb = (unsigned int)(staged_end - stage) / entry_size;
	unsigned int to_end = txq->nb_slots - (first & txq->mask);

	if (nb == 0)
		return;
	if (likely(nb <= to_end)) {
		txq->copy_lines(push_slot(txq, first, entry_size), stage, nb * entry_lines);
	} else {
		txq->copy_lines(push_slot(txq, first, entry_size), stage, to_end * entry_lines);
		txq->copy_lines(txq->push_ring, stage + to_end * entry_size,
				(nb - to_end) * entry_lines);
	}
}

/*
 * A chunk of a burst being staged: at most burst_max packets, announced by
 * one doorbell (a dropped packet takes no entry, so a chunk never announces
 * more entries than the device's per-doorbell budget). The staged entries
 * are those of ring slots staged_from onwards, at stage[0 ..].
 */
struct push_chunk {
	struct rte_mbuf **p;          /* the next packet */
	struct rte_mbuf **end;        /* the chunk's end */
	uint8_t *entry;               /* the next free entry of the stage */
	uint16_t staged_from;         /* ring slot of the stage's first entry */
	uint64_t bytes;               /* frame bytes of the burst so far */
};

/* Ring slot of the next entry to stage. */
static __rte_always_inline uint16_t
push_chunk_tail(const struct wcnic_txq *txq, const struct push_chunk *c,
		const uint16_t entry_size)
{
	return c->staged_from + (uint16_t)((c->entry - txq->push_stage) / entry_size);
}

/*
 * A run's packet's checksum request: 0 without the offloads (csum is a
 * constant), or wcnic_tx_csum_req(). False when the device would refuse
 * it: the run ends there, and phase 3 drops and counts the packet.
 */
static __rte_always_inline bool
push_run_csum_req(const struct rte_mbuf *m, uint16_t len, const bool csum, uint32_t *req)
{
	*req = csum ? wcnic_tx_csum_req(m, len) : 0;
	return likely(*req != WCNIC_TX_CSUM_REFUSED);
}

/*
 * Phase 1: a run of one-segment frames that fill all the lines of an entry
 * (push_build_full()). They now live in the stage: their mbufs go at once.
 */
static __rte_always_inline void
push_stage_full_run(struct wcnic_txq *txq, struct push_chunk *c, struct push_len_range full,
		    const uint16_t entry_size, const bool csum)
{
	struct rte_mbuf **run = c->p;

	for (; c->p != c->end; c->p++) {
		struct rte_mbuf *m = *c->p;
		uint16_t len = m->data_len;
		uint32_t req;

		if (unlikely(m->nb_segs != 1 || !push_len_in(full, len) ||
			     !push_run_csum_req(m, len, csum, &req)))
			break;
		push_build_full(m, len, c->entry, entry_size, req);
		c->bytes += len;
		c->entry += entry_size;
	}
	wcnic_tx_free(txq, run, c->p - run);
}

/*
 * A writer of direct entries (push_direct_sse2() and its AVX siblings), or
 * NULL for phase 1 through the stage. A constant in each burst function,
 * so the writer is inlined: a call through the pointer would not be, and
 * the writers with a target attribute can only be inlined there.
 */
typedef void (*push_direct_fn)(uint8_t *slot, uint64_t hdr_word, const uint8_t *frame);

/* Frame bytes a direct entry reads: the inline room of a 128-byte entry. */
#define PUSH_DIRECT_READ WCNIC_PUSH_INLINE_ROOM(WCNIC_PUSH_ENTRY_128, 0)

/*
 * Phase 1 without the stage (128-byte entries, a writer in direct): the same
 * run as push_stage_full_run(), each entry written into its slot from the
 * frame. Entries staged before the run go to the ring first, as the stage
 * holds consecutive slots only. A frame whose buffer ends before the
 * 112 bytes a direct entry reads ends the run; push_stage_full_run()
 * takes it.
 */
static __rte_always_inline void
push_direct_full_run(struct wcnic_txq *txq, struct push_chunk *c, struct push_len_range full,
		     const bool csum, const push_direct_fn direct)
{
	struct rte_mbuf **run = c->p;
	uint16_t tail = push_chunk_tail(txq, c, WCNIC_PUSH_ENTRY_128);

	push_stage_flush(txq, txq->push_stage, c->entry, c->staged_from, WCNIC_PUSH_ENTRY_128);
	for (; c->p != c->end; c->p++, tail++) {
		struct rte_mbuf *m = *c->p;
		uint16_t len = m->data_len;
		uint32_t req;

		if (unlikely(m->nb_segs != 1 || !push_len_in(full, len) ||
			     (uint32_t)m->buf_len - m->data_off < PUSH_DIRECT_READ ||
			     !push_run_csum_req(m, len, csum, &req)))
			break;
		direct(push_slot(txq, tail, WCNIC_PUSH_ENTRY_128), push_hdr_word(len, len, 0, req),
		       rte_pktmbuf_mtod(m, const uint8_t *));
		c->bytes += len;
	}
	c->staged_from = tail;
	c->entry = txq->push_stage;
	wcnic_tx_free(txq, run, c->p - run);
}

/*
 * Phase 2: a run of one-segment frames too long to go whole inline
 * (push_build_head()). The device reads their rest later: they are held
 * until the TX head passes them. Returns how many it staged.
 */
static __rte_always_inline unsigned int
push_stage_head_run(struct wcnic_txq *txq, struct push_chunk *c, struct push_len_range head,
		    const uint16_t entry_size, const bool csum)
{
	struct rte_mbuf **run = c->p;
	uint16_t tail = push_chunk_tail(txq, c, entry_size);

	for (; c->p != c->end; c->p++, tail++) {
		struct rte_mbuf *m = *c->p;
		uint16_t len = m->data_len;
		uint32_t req;

		if (unlikely(m->nb_segs != 1 || !push_len_in(head, len) ||
			     !push_run_csum_req(m, len, csum, &req)))
			break;
		push_build_head(txq, m, c->entry, entry_size, req);
		txq->sw_ring[tail & txq->mask] = m;
		c->bytes += len;
		c->entry += entry_size;
	}
	txq->held_mbufs += c->p - run;
	return c->p - run;
}

/*
 * Phase 3: the next packet, whatever it is (push_entry_any()). An entry
 * that uses fewer lines than an entry has goes to the ring at once, after
 * the entries staged before it, so the BAR never sees lines the device
 * does not read. A frame carried whole inline joins sent_inline, to be
 * freed after the burst.
 */
static __rte_always_inline void
push_stage_other(struct wcnic_txq *txq, struct push_chunk *c, struct rte_mbuf **sent_inline,
		 unsigned int *nb_inline, const uint16_t entry_size, const bool csum)
{
	uint16_t tail = push_chunk_tail(txq, c, entry_size);
	struct push_built b = csum ? push_entry_any_csum(txq, *c->p, c->entry, tail) :
				     push_entry_any(txq, *c->p, c->entry, tail);
	uint8_t *const stage = txq->push_stage;

	if (b.lines == 0) {
		c->p++; /* dropped */
		return;
	}
	if (b.free_now)
		sent_inline[(*nb_inline)++] = *c->p;
	c->bytes += b.frame_len;
	c->p++;
	if (b.lines == entry_size / WCNIC_CACHE_LINE) {
		c->entry += entry_size;
		return;
	}
	push_stage_flush(txq, stage, c->entry, c->staged_from, entry_size);
	txq->copy_lines(push_slot(txq, tail, entry_size), c->entry, b.lines);
	c->staged_from = tail + 1;
	c->entry = stage;
}

/*
 * Phase 4: the chunk's staged entries into the ring, and one doorbell for
 * everything since the last one (wcnic_tx_doorbell() holds the fences).
 */
static __rte_always_inline void
push_chunk_announce(struct wcnic_txq *txq, struct push_chunk *c, const uint16_t entry_size)
{
	uint16_t tail = push_chunk_tail(txq, c, entry_size);

	push_stage_flush(txq, txq->push_stage, c->entry, c->staged_from, entry_size);
	c->staged_from = tail;
	c->entry = txq->push_stage;
	if (likely(tail != txq->tail)) {
		txq->tail = tail;
		wcnic_tx_doorbell(txq);
	}
}

/*
 * The burst, for one entry size known at compile time, so that line
 * counts and copy sizes are constants, with or without checksum requests
 * (csum, a constant too), and with phase 1 through the stage or direct
 * (direct, a constant as well): chunk after chunk, the phases above until
 * the chunk is staged, then its announcement.
 */
static __rte_always_inline uint16_t
push_burst(struct wcnic_txq *txq, struct rte_mbuf **pkts, uint16_t nb_pkts,
	   const uint16_t entry_size, const bool csum, const push_direct_fn direct)
{
	const unsigned int entry_lines = entry_size / WCNIC_CACHE_LINE;
	const uint16_t room = WCNIC_PUSH_INLINE_ROOM(entry_size, 0);
	/*
	 * One-segment frames the runs take: phase 1 those that fill every
	 * line of an entry (and are a line long at least), up to the inline
	 * room; phase 2 the longer ones. Both stop at the port's frame limit:
	 * every length they take is one the device accepts. Everything else
	 * goes to phase 3.
	 */
	const struct push_len_range full = push_len_range(
		RTE_MAX((entry_lines - 1) * WCNIC_CACHE_LINE - WCNIC_PUSH_HDR_SIZE + 1,
			WCNIC_CACHE_LINE),
		RTE_MIN(room, txq->max_frame_len));
	const struct push_len_range head = push_len_range(room + 1, txq->max_frame_len);
	struct rte_mbuf *sent_inline[WCNIC_TX_FREE_BULK];
	struct rte_mbuf **const end = pkts + nb_pkts;
	unsigned int nb_inline = 0;
	uint16_t start = txq->tail;
	struct push_chunk c = {
		.p = pkts, .entry = txq->push_stage, .staged_from = start, .bytes = 0,
	};

	while (c.p != end) {
		c.end = c.p + RTE_MIN(end - c.p, (ptrdiff_t)txq->burst_max);
		for (;;) {
			if (direct != NULL)
				push_direct_full_run(txq, &c, full, csum, direct);
			push_stage_full_run(txq, &c, full, entry_size, csum);
			if (c.p == c.end)
				break;
			if (push_stage_head_run(txq, &c, head, entry_size, csum) != 0) {
				if (c.p == c.end)
					break;
				continue;
			}
			push_stage_other(txq, &c, sent_inline, &nb_inline, entry_size, csum);
			if (c.p == c.end)
				break;
		}
		push_chunk_announce(txq, &c, entry_size);
	}

	wcnic_tx_free(txq, sent_inline, nb_inline);
	txq->stats.packets += (uint16_t)(txq->tail - start);
	txq->stats.push_entries += (uint16_t)(txq->tail - start);
	txq->stats.bytes += c.bytes;
	return nb_pkts;
}

/* The larger entries out of line: one stage on the stack at a time. */
static __rte_noinline uint16_t
push_burst_256(struct wcnic_txq *txq, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return push_burst(txq, pkts, nb_pkts, WCNIC_PUSH_ENTRY_256, false, NULL);
}

static __rte_noinline uint16_t
push_burst_256_csum(struct wcnic_txq *txq, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return push_burst(txq, pkts, nb_pkts, WCNIC_PUSH_ENTRY_256, true, NULL);
}

#if defined(RTE_ARCH_X86_64)
/*
 * The 128-byte burst with direct entries (writer: push_direct_*()), built
 * for the instruction set of each variant (isa: the target attribute),
 * with and without checksum requests.
 */
#define PUSH_BURST_DIRECT(name, isa, writer, csum) \
	static __rte_noinline __attribute__((target(isa))) uint16_t \
	name(struct wcnic_txq *txq, struct rte_mbuf **pkts, uint16_t nb_pkts) \
	{ \
		return push_burst(txq, pkts, nb_pkts, WCNIC_PUSH_ENTRY_128, csum, writer); \
	}

PUSH_BURST_DIRECT(push_burst_128_sse2, "sse2", push_direct_sse2, false)
PUSH_BURST_DIRECT(push_burst_128_sse2_csum, "sse2", push_direct_sse2, true)
PUSH_BURST_DIRECT(push_burst_128_avx2, "avx2", push_direct_avx2, false)
PUSH_BURST_DIRECT(push_burst_128_avx2_csum, "avx2", push_direct_avx2, true)
PUSH_BURST_DIRECT(push_burst_128_avx512, "avx512f", push_direct_avx512, false)
PUSH_BURST_DIRECT(push_burst_128_avx512_csum, "avx512f", push_direct_avx512, true)
#endif

/* A burst of 128-byte entries, phase 1 as the queue's variant writes it. */
static __rte_always_inline uint16_t
push_burst_128(struct wcnic_txq *txq, struct rte_mbuf **pkts, uint16_t nb_pkts, const bool csum)
{
	switch (txq->push_direct) {
#if defined(RTE_ARCH_X86_64)
	case WCNIC_PUSH_DIRECT_SSE2:
		return csum ? push_burst_128_sse2_csum(txq, pkts, nb_pkts) :
			      push_burst_128_sse2(txq, pkts, nb_pkts);
	case WCNIC_PUSH_DIRECT_AVX2:
		return csum ? push_burst_128_avx2_csum(txq, pkts, nb_pkts) :
			      push_burst_128_avx2(txq, pkts, nb_pkts);
	case WCNIC_PUSH_DIRECT_AVX512:
		return csum ? push_burst_128_avx512_csum(txq, pkts, nb_pkts) :
			      push_burst_128_avx512(txq, pkts, nb_pkts);
#endif
	default:
		return push_burst(txq, pkts, nb_pkts, WCNIC_PUSH_ENTRY_128, csum, NULL);
	}
}

/*
 * Which direct writer a push queue's phase 1 uses: one for each
 * non-temporal variant, on x86-64 and 128-byte entries; none for the
 * others (u64 and MOVDIR64B store from memory, a simulated BAR takes lines
 * through the simulator, 256-byte entries keep the stage).
 */
enum wcnic_push_direct
wcnic_push_direct_for(enum wc_store_variant store, uint16_t entry_size, bool simulated)
{
	if (simulated || entry_size != WCNIC_PUSH_ENTRY_128)
		return WCNIC_PUSH_DIRECT_NONE;
#if defined(RTE_ARCH_X86_64)
	switch (store) {
	case WC_STORE_SSE2:
		return WCNIC_PUSH_DIRECT_SSE2;
	case WC_STORE_AVX2:
		return WCNIC_PUSH_DIRECT_AVX2;
	case WC_STORE_AVX512:
		return WCNIC_PUSH_DIRECT_AVX512;
	default:
		break;
	}
#else
	RTE_SET_USED(store);
#endif
	return WCNIC_PUSH_DIRECT_NONE;
}

/*
 * A burst of any size, sent whole in this call: push_burst() takes at most
 * WCNIC_TX_FREE_BULK (its arrays), so larger application bursts go in
 * pieces. csum is a constant in each caller: the compiler keeps the two
 * burst functions apart, the one without requests unchanged.
 */
static __rte_always_inline uint16_t
xmit_push_pieces(struct wcnic_txq *txq, struct rte_mbuf **pkts, uint16_t nb_pkts, bool csum)
{
	uint16_t free_slots, done = 0, n;

	wcnic_tx_reclaim(txq);
	free_slots = txq->nb_slots - (uint16_t)(txq->tail - txq->head);
	nb_pkts = RTE_MIN(nb_pkts, free_slots);
	do {
		n = RTE_MIN((uint16_t)(nb_pkts - done), WCNIC_TX_FREE_BULK);
		if (likely(txq->entry_size == WCNIC_PUSH_ENTRY_128))
			done += push_burst_128(txq, pkts + done, n, csum);
		else
			done += csum ? push_burst_256_csum(txq, pkts + done, n) :
				       push_burst_256(txq, pkts + done, n);
	} while (done < nb_pkts);
	return done;
}

uint16_t
wcnic_xmit_push(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return xmit_push_pieces(queue, pkts, nb_pkts, false);
}

/* wcnic_xmit_push() with checksum requests. */
uint16_t
wcnic_xmit_push_csum(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return xmit_push_pieces(queue, pkts, nb_pkts, true);
}
