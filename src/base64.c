/* base64.c - base64 (RFC 4648, padded), for rejects, dm-scan and dm-stats */
#include <string.h>

#include "dm.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
dm_base64_add(struct dm_buf *b, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		dm_buf_addc(b, b64[p[i] >> 2]);
		dm_buf_addc(b, b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		dm_buf_addc(b, b64[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)]);
		dm_buf_addc(b, b64[p[i + 2] & 63]);
	}
	if (n - i == 1) {
		dm_buf_addc(b, b64[p[i] >> 2]);
		dm_buf_addc(b, b64[(p[i] & 3) << 4]);
		dm_buf_adds(b, "==");
	} else if (n - i == 2) {
		dm_buf_addc(b, b64[p[i] >> 2]);
		dm_buf_addc(b, b64[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		dm_buf_addc(b, b64[(p[i + 1] & 15) << 2]);
		dm_buf_addc(b, '=');
	}
}

int
dm_base64_decode(struct dm_buf *b, const char *s, size_t n)
{
	const char *c;
	uint32_t acc = 0;
	size_t i;
	int bits = 0;

	while (n > 0 && s[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++) {
		if (s[i] == '\0' || (c = strchr(b64, s[i])) == NULL)
			return -1;
		acc = acc << 6 | (uint32_t)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			dm_buf_addc(b, (int)(acc >> bits & 0xFF));
		}
	}
	return 0;
}
