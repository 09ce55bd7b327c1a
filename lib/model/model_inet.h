/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame fields as the device model reads and writes them: the Ethernet,
 * IP and L4 numbers, big-endian 16-bit fields and the Internet checksum,
 * shared by the sink check, the checksum offloads, RSS and the generator.
 */
#ifndef MODEL_INET_H
#define MODEL_INET_H

#include <stdint.h>
#include <string.h>

#define ETH_HDR_LEN     14u
#define VLAN_TAG_LEN    4u
#define ETHERTYPE_IPV4  0x0800u
#define ETHERTYPE_IPV6  0x86DDu
#define ETHERTYPE_VLAN  0x8100u
#define ETHERTYPE_QINQ  0x88A8u
#define IPV4_MIN_HDR    20u
#define IPV4_MAX_HDR    60u
#define IPV6_HDR_LEN    40u
#define IPPROTO_TCP_NUM 6u
#define IPPROTO_UDP_NUM 17u
#define UDP_HDR_LEN     8u
#define TCP_MIN_HDR     20u

static inline uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static inline void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * sum plus the len bytes at p as big-endian 16-bit words, an odd last
 * byte padded with zero (RFC 1071). Not folded: the caller adds more or
 * calls inet_fold().
 *
 * The bytes are added as native 32-bit words into 64 bits, which is the
 * same one's complement sum in the CPU's byte order: a byte swap of the
 * folded result gives it in network order (RFC 1071 section 2(B)). Four
 * bytes a step instead of two: the sink checks every IPv4 header this way.
 */
static inline uint32_t inet_sum(const uint8_t *p, uint32_t len, uint32_t sum)
{
	uint64_t acc = 0;
	uint32_t w32;
	uint16_t w16;

	for (; len >= 4; p += 4, len -= 4) {
		memcpy(&w32, p, sizeof(w32));
		acc += w32;
	}
	if (len >= 2) {
		memcpy(&w16, p, sizeof(w16));
		acc += w16;
		p += 2;
		len -= 2;
	}
	if (len != 0) {
		uint8_t last[2] = { p[0], 0 };

		memcpy(&w16, last, sizeof(w16));
		acc += w16;
	}
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffu) + (acc >> 16);
	acc = (acc & 0xffffu) + (acc >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	acc = __builtin_bswap16((uint16_t)acc);
#endif
	return sum + (uint32_t)acc;
}

/* A sum from inet_sum() folded to 16 bits. */
static inline uint32_t inet_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

#endif /* MODEL_INET_H */
