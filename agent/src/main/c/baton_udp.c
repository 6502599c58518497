/*
 * Baton's native UDP loop for the embedded DNS server (Linux only): the JNI side of
 * dev.baton.agent.dns.NativeUdp. A socket per thread; a thread blocks in recvmmsg(MSG_WAITFORONE) into fixed slots
 * of its own memory, the datagrams and their metadata are copied into the caller's Java arrays, Java answers each,
 * then its responses are copied back and one sendmmsg sends them to the sources they came from (gdnsd's loop
 * shape: no event loop, no epoll_wait, nothing allocated per datagram). Plain Java arrays, not direct buffers:
 * the JVM's checked accessors of direct buffers cost more per datagram than these copies.
 *
 * Every failure comes back as a Java exception carrying strerror_r's text; nothing here aborts the JVM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jni.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Per datagram, the ints NativeUdp reads from its meta array: keep in step with NativeUdp.META_*. */
#define META_INTS 3
#define META_LENGTH 0          /* bytes received into the slot (cut to the slot size) */
#define META_PORT 1            /* the source port */
#define META_ADDRESS_LENGTH 2  /* 4 (IPv4, also an IPv4-mapped IPv6 source) or 16 */
#define ADDRESS_BYTES 16       /* per datagram in the addresses array: the source's 4 or 16 bytes */

/* The memory and message headers of one receiving thread. */
struct batch {
    int fd;
    int count;
    unsigned char *in;
    int in_slot;
    unsigned char *out;
    int out_slot;
    int32_t *meta;
    unsigned char *addresses;
    int32_t *response_lengths;
    struct mmsghdr *rx;
    struct iovec *rx_iov;
    struct sockaddr_storage *sources;
    struct mmsghdr *tx;
    struct iovec *tx_iov;
};

static void throw_errno(JNIEnv *env, const char *exception, const char *what, int err) {
    char text[256];
    char message[384];
    /* GNU strerror_r: returns the text, which may or may not be in `text`. */
    const char *reason = strerror_r(err, text, sizeof text);
    snprintf(message, sizeof message, "%s: %s (errno %d)", what, reason, err);
    jclass type = (*env)->FindClass(env, exception);
    if (type == NULL) return; /* NoClassDefFoundError is pending */
    (*env)->ThrowNew(env, type, message);
}

static void throw_message(JNIEnv *env, const char *exception, const char *message) {
    jclass type = (*env)->FindClass(env, exception);
    if (type == NULL) return;
    (*env)->ThrowNew(env, type, message);
}

/* int open(byte[] address, int scopeId, int port, boolean reusePort, int receiveBufferBytes): a bound socket's fd. */
JNIEXPORT jint JNICALL Java_dev_baton_agent_dns_NativeUdp_open(JNIEnv *env, jclass cls, jbyteArray address,
                                                              jint scope_id, jint port, jboolean reuse_port,
                                                              jint receive_buffer_bytes) {
    (void) cls;
    struct sockaddr_storage where;
    socklen_t where_length;
    memset(&where, 0, sizeof where);
    jsize length = (*env)->GetArrayLength(env, address);
    if (length == 4) {
        struct sockaddr_in *v4 = (struct sockaddr_in *) &where;
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t) port);
        (*env)->GetByteArrayRegion(env, address, 0, 4, (jbyte *) &v4->sin_addr);
        where_length = sizeof *v4;
    } else if (length == 16) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) &where;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t) port);
        v6->sin6_scope_id = (uint32_t) scope_id;
        (*env)->GetByteArrayRegion(env, address, 0, 16, (jbyte *) &v6->sin6_addr);
        where_length = sizeof *v6;
    } else {
        throw_message(env, "java/lang/IllegalArgumentException", "an address is 4 or 16 bytes");
        return -1;
    }
    if ((*env)->ExceptionCheck(env)) return -1;

    int fd = socket(where.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw_errno(env, "java/io/IOException", "socket", errno);
        return -1;
    }
    int on = 1;
    int off = 0;
    /* As the JDK's DatagramChannel: an IPv6 socket also takes IPv4 (mapped) unless bound to a v6-only address. */
    if (where.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) != 0) {
        int err = errno;
        close(fd);
        throw_errno(env, "java/io/IOException", "setsockopt(IPV6_V6ONLY)", err);
        return -1;
    }
    if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
        int err = errno;
        close(fd);
        throw_errno(env, "java/io/IOException", "setsockopt(SO_REUSEPORT)", err);
        return -1;
    }
    if (receive_buffer_bytes > 0) {
        /* Best effort: the kernel caps it at net.core.rmem_max. */
        (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
    }
    if (bind(fd, (struct sockaddr *) &where, where_length) != 0) {
        int err = errno;
        close(fd);
        throw_errno(env, "java/net/BindException", "bind", err);
        return -1;
    }
    return fd;
}

/* int localPort(int fd) */
JNIEXPORT jint JNICALL Java_dev_baton_agent_dns_NativeUdp_localPort(JNIEnv *env, jclass cls, jint fd) {
    (void) cls;
    struct sockaddr_storage where;
    socklen_t length = sizeof where;
    if (getsockname(fd, (struct sockaddr *) &where, &length) != 0) {
        throw_errno(env, "java/io/IOException", "getsockname", errno);
        return -1;
    }
    if (where.ss_family == AF_INET) return ntohs(((struct sockaddr_in *) &where)->sin_port);
    return ntohs(((struct sockaddr_in6 *) &where)->sin6_port);
}

/* void shutdown(int fd): wakes every thread blocked in recvmmsg on it; later calls return at once. */
JNIEXPORT void JNICALL Java_dev_baton_agent_dns_NativeUdp_shutdown(JNIEnv *env, jclass cls, jint fd) {
    (void) cls;
    /*
     * On an unconnected UDP socket Linux answers ENOTCONN, yet it has marked the socket shut down and woken its
     * waiters (inet_shutdown), which is all we want; closing the fd would not wake them.
     */
    if (shutdown(fd, SHUT_RDWR) != 0 && errno != ENOTCONN) {
        throw_errno(env, "java/io/IOException", "shutdown", errno);
    }
}

/* void close(int fd) */
JNIEXPORT void JNICALL Java_dev_baton_agent_dns_NativeUdp_close(JNIEnv *env, jclass cls, jint fd) {
    (void) cls;
    /* Linux releases the fd even when close reports EINTR: never retry it. */
    if (close(fd) != 0 && errno != EINTR) throw_errno(env, "java/io/IOException", "close", errno);
}

static void free_batch(struct batch *b) {
    if (b == NULL) return;
    free(b->in);
    free(b->out);
    free(b->meta);
    free(b->addresses);
    free(b->response_lengths);
    free(b->rx);
    free(b->rx_iov);
    free(b->sources);
    free(b->tx);
    free(b->tx_iov);
    free(b);
}

/* long newBatch(int fd, int inSlot, int outSlot, int count): the memory and message headers for `count` slots. */
JNIEXPORT jlong JNICALL Java_dev_baton_agent_dns_NativeUdp_newBatch(JNIEnv *env, jclass cls, jint fd, jint in_slot,
                                                                   jint out_slot, jint count) {
    (void) cls;
    if (count < 1 || in_slot < 1 || out_slot < 1 || count > 1024) {
        throw_message(env, "java/lang/IllegalArgumentException", "count (1..1024) and slot sizes must be positive");
        return 0;
    }
    struct batch *b = calloc(1, sizeof *b);
    if (b != NULL) {
        b->in = malloc((size_t) in_slot * (size_t) count);
        b->out = malloc((size_t) out_slot * (size_t) count);
        b->meta = calloc((size_t) count * META_INTS, sizeof *b->meta);
        b->addresses = calloc((size_t) count, ADDRESS_BYTES);
        b->response_lengths = calloc((size_t) count, sizeof *b->response_lengths);
        b->rx = calloc((size_t) count, sizeof *b->rx);
        b->rx_iov = calloc((size_t) count, sizeof *b->rx_iov);
        b->sources = calloc((size_t) count, sizeof *b->sources);
        b->tx = calloc((size_t) count, sizeof *b->tx);
        b->tx_iov = calloc((size_t) count, sizeof *b->tx_iov);
    }
    if (b == NULL || !b->in || !b->out || !b->meta || !b->addresses || !b->response_lengths || !b->rx
            || !b->rx_iov || !b->sources || !b->tx || !b->tx_iov) {
        free_batch(b);
        throw_message(env, "java/lang/OutOfMemoryError", "native UDP batch");
        return 0;
    }
    b->fd = fd;
    b->count = count;
    b->in_slot = in_slot;
    b->out_slot = out_slot;
    for (int i = 0; i < count; i++) {
        b->rx_iov[i].iov_base = b->in + (size_t) i * in_slot;
        b->rx_iov[i].iov_len = (size_t) in_slot;
        b->rx[i].msg_hdr.msg_iov = &b->rx_iov[i];
        b->rx[i].msg_hdr.msg_iovlen = 1;
    }
    return (jlong) (intptr_t) b;
}

/* void freeBatch(long batch) */
JNIEXPORT void JNICALL Java_dev_baton_agent_dns_NativeUdp_freeBatch(JNIEnv *env, jclass cls, jlong handle) {
    (void) env;
    (void) cls;
    free_batch((struct batch *) (intptr_t) handle);
}

/* Whether `array` holds at least `needed` elements; throws IllegalArgumentException naming it if not. */
static int long_enough(JNIEnv *env, jarray array, jlong needed, const char *name) {
    if (array != NULL && (jlong) (*env)->GetArrayLength(env, array) >= needed) return 1;
    char message[128];
    snprintf(message, sizeof message, "%s must hold at least %lld elements", name, (long long) needed);
    throw_message(env, "java/lang/IllegalArgumentException", message);
    return 0;
}

static const unsigned char V4_MAPPED_PREFIX[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

/*
 * int receive(long batch, byte[] in, int[] meta, byte[] addresses): blocks until at least one datagram is there,
 * takes up to `count` of them, and copies datagram i to in[i * inSlot ...], its metadata to meta[i * META_INTS ...]
 * and its source's address to addresses[i * ADDRESS_BYTES ...]. Returns how many; 0 once the socket has been
 * shut down.
 */
JNIEXPORT jint JNICALL Java_dev_baton_agent_dns_NativeUdp_receive(JNIEnv *env, jclass cls, jlong handle,
                                                                 jbyteArray in, jintArray meta, jbyteArray addresses) {
    (void) cls;
    struct batch *b = (struct batch *) (intptr_t) handle;
    if (!long_enough(env, in, (jlong) b->in_slot * b->count, "in")
            || !long_enough(env, meta, (jlong) META_INTS * b->count, "meta")
            || !long_enough(env, addresses, (jlong) ADDRESS_BYTES * b->count, "addresses")) {
        return -1;
    }
    for (int i = 0; i < b->count; i++) {
        /* recvmmsg overwrites the name length and flags: reset them each round. */
        b->rx[i].msg_hdr.msg_name = &b->sources[i];
        b->rx[i].msg_hdr.msg_namelen = sizeof b->sources[i];
        b->rx[i].msg_hdr.msg_flags = 0;
    }
    int n;
    do {
        n = recvmmsg(b->fd, b->rx, (unsigned int) b->count, MSG_WAITFORONE, NULL);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        throw_errno(env, "java/io/IOException", "recvmmsg", errno);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        int32_t *m = b->meta + (size_t) i * META_INTS;
        unsigned char *address = b->addresses + (size_t) i * ADDRESS_BYTES;
        int32_t length = (int32_t) b->rx[i].msg_len;
        if (length > b->in_slot) length = b->in_slot;
        int32_t port = 0;
        int32_t address_length = 0;
        const struct sockaddr_storage *s = &b->sources[i];
        if (s->ss_family == AF_INET) {
            const struct sockaddr_in *v4 = (const struct sockaddr_in *) s;
            port = ntohs(v4->sin_port);
            address_length = 4;
            memcpy(address, &v4->sin_addr, 4);
        } else if (s->ss_family == AF_INET6) {
            const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *) s;
            port = ntohs(v6->sin6_port);
            /* As the JDK does: an IPv4 client on a dual-stack socket is an IPv4 address. */
            if (memcmp(&v6->sin6_addr, V4_MAPPED_PREFIX, sizeof V4_MAPPED_PREFIX) == 0) {
                address_length = 4;
                memcpy(address, (const unsigned char *) &v6->sin6_addr + 12, 4);
            } else {
                address_length = 16;
                memcpy(address, &v6->sin6_addr, 16);
            }
        }
        m[META_LENGTH] = length;
        m[META_PORT] = port;
        m[META_ADDRESS_LENGTH] = address_length;
    }
    /*
     * One pinned section per batch rather than a JNI copy per datagram: each JNI call that touches the heap
     * crosses into the VM and back, which cost more than the copies. Only memcpy inside: no blocking, no JNI.
     */
    jbyte *in_array = (*env)->GetPrimitiveArrayCritical(env, in, NULL);
    if (in_array == NULL) return -1; /* OutOfMemoryError pending */
    jint *meta_array = (*env)->GetPrimitiveArrayCritical(env, meta, NULL);
    jbyte *address_array = meta_array == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, addresses, NULL);
    if (meta_array != NULL && address_array != NULL) {
        for (int i = 0; i < n; i++) {
            int32_t length = b->meta[(size_t) i * META_INTS + META_LENGTH];
            if (length > 0) {
                memcpy(in_array + (size_t) i * b->in_slot, b->in + (size_t) i * b->in_slot, (size_t) length);
            }
        }
        memcpy(meta_array, b->meta, (size_t) n * META_INTS * sizeof *b->meta);
        memcpy(address_array, b->addresses, (size_t) n * ADDRESS_BYTES);
    }
    if (address_array != NULL) (*env)->ReleasePrimitiveArrayCritical(env, addresses, address_array, 0);
    if (meta_array != NULL) (*env)->ReleasePrimitiveArrayCritical(env, meta, meta_array, 0);
    (*env)->ReleasePrimitiveArrayCritical(env, in, in_array, 0);
    if (meta_array == NULL || address_array == NULL) return -1; /* OutOfMemoryError pending */
    return n;
}

/*
 * int send(long batch, int received, byte[] out, int[] responseLengths): sends, for each of the first `received`
 * datagrams whose responseLengths[i] is positive, out[i * outSlot ...] of that length to the datagram's source, in
 * as few sendmmsg calls as the kernel allows. A datagram the kernel refuses (e.g. an unroutable source) is
 * skipped, as the JDK path does. Returns how many were sent.
 */
JNIEXPORT jint JNICALL Java_dev_baton_agent_dns_NativeUdp_send(JNIEnv *env, jclass cls, jlong handle, jint received,
                                                              jbyteArray out, jintArray response_lengths) {
    (void) cls;
    struct batch *b = (struct batch *) (intptr_t) handle;
    if (received < 0 || received > b->count) {
        throw_message(env, "java/lang/IllegalArgumentException", "received is out of range");
        return -1;
    }
    if (!long_enough(env, out, (jlong) b->out_slot * b->count, "out")
            || !long_enough(env, response_lengths, received, "responseLengths")) {
        return -1;
    }
    /* One pinned section per batch, memcpy only (see receive). */
    jint *length_array = (*env)->GetPrimitiveArrayCritical(env, response_lengths, NULL);
    if (length_array == NULL) return -1; /* OutOfMemoryError pending */
    jbyte *out_array = (*env)->GetPrimitiveArrayCritical(env, out, NULL);
    if (out_array != NULL) {
        memcpy(b->response_lengths, length_array, (size_t) received * sizeof *b->response_lengths);
        for (int i = 0; i < received; i++) {
            int32_t length = b->response_lengths[i];
            if (length <= 0 || length > b->out_slot) continue;
            memcpy(b->out + (size_t) i * b->out_slot, out_array + (size_t) i * b->out_slot, (size_t) length);
        }
        (*env)->ReleasePrimitiveArrayCritical(env, out, out_array, JNI_ABORT);
    }
    (*env)->ReleasePrimitiveArrayCritical(env, response_lengths, length_array, JNI_ABORT);
    if (out_array == NULL) return -1; /* OutOfMemoryError pending */
    int pending = 0;
    for (int i = 0; i < received; i++) {
        int32_t length = b->response_lengths[i];
        if (length <= 0 || length > b->out_slot) continue;
        unsigned char *slot = b->out + (size_t) i * b->out_slot;
        b->tx_iov[pending].iov_base = slot;
        b->tx_iov[pending].iov_len = (size_t) length;
        memset(&b->tx[pending].msg_hdr, 0, sizeof b->tx[pending].msg_hdr);
        b->tx[pending].msg_hdr.msg_iov = &b->tx_iov[pending];
        b->tx[pending].msg_hdr.msg_iovlen = 1;
        b->tx[pending].msg_hdr.msg_name = &b->sources[i];
        b->tx[pending].msg_hdr.msg_namelen = b->rx[i].msg_hdr.msg_namelen;
        pending++;
    }
    int done = 0;
    int sent = 0;
    while (done < pending) {
        int n = sendmmsg(b->fd, b->tx + done, (unsigned int) (pending - done), 0);
        if (n > 0) {
            done += n;
            sent += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EBADF || errno == ENOTSOCK)) {
            throw_errno(env, "java/io/IOException", "sendmmsg", errno);
            return -1;
        } else {
            /*
             * The first pending datagram failed (EAGAIN on a full buffer, EPERM, ENETUNREACH...): a UDP response
             * is dropped as the network would drop it; go on with the rest.
             */
            done++;
        }
    }
    return sent;
}
