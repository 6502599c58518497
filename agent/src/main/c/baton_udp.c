/*
 * Baton's native UDP loop for the embedded DNS server (Linux only): the JNI side of
 * dev.baton.agent.dns.NativeUdp. A socket per thread; a thread blocks in recvmmsg(MSG_WAITFORONE) into fixed slots
 * of a direct buffer, Java answers each slot, then one sendmmsg sends the batch back to the sources it came from
 * (gdnsd's loop shape: no event loop, no epoll_wait, nothing allocated per datagram).
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

/* One slot's metadata, as NativeUdp reads it (native byte order): keep in step with NativeUdp.META_*. */
#define META_BYTES 32
#define META_LENGTH 0          /* int: bytes received into the slot (cut to the slot size) */
#define META_PORT 4            /* int: the source port */
#define META_ADDRESS_LENGTH 8  /* int: 4 (IPv4, also an IPv4-mapped IPv6 source) or 16 */
#define META_RESPONSE_LENGTH 12 /* int: written by Java, bytes of the response slot to send, 0 for none */
#define META_ADDRESS 16        /* 4 or 16 bytes: the source address */

/* The buffers and message headers of one receiving thread; the slabs belong to Java (direct buffers). */
struct batch {
    int fd;
    int count;
    unsigned char *in;
    int in_slot;
    unsigned char *out;
    int out_slot;
    unsigned char *meta;
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

static unsigned char *direct(JNIEnv *env, jobject buffer, jlong needed, const char *name) {
    unsigned char *address = (*env)->GetDirectBufferAddress(env, buffer);
    jlong capacity = (*env)->GetDirectBufferCapacity(env, buffer);
    if (address == NULL || capacity < needed) {
        char message[128];
        snprintf(message, sizeof message, "%s must be a direct buffer of at least %lld bytes", name,
                 (long long) needed);
        throw_message(env, "java/lang/IllegalArgumentException", message);
        return NULL;
    }
    return address;
}

static void free_batch(struct batch *b) {
    if (b == NULL) return;
    free(b->rx);
    free(b->rx_iov);
    free(b->sources);
    free(b->tx);
    free(b->tx_iov);
    free(b);
}

/*
 * long newBatch(int fd, ByteBuffer in, int inSlot, ByteBuffer out, int outSlot, ByteBuffer meta, int count):
 * the message headers for `count` slots; the caller keeps the three buffers reachable until freeBatch.
 */
JNIEXPORT jlong JNICALL Java_dev_baton_agent_dns_NativeUdp_newBatch(JNIEnv *env, jclass cls, jint fd, jobject in,
                                                                   jint in_slot, jobject out, jint out_slot,
                                                                   jobject meta, jint count) {
    (void) cls;
    if (count < 1 || in_slot < 1 || out_slot < 1) {
        throw_message(env, "java/lang/IllegalArgumentException", "count and slot sizes must be positive");
        return 0;
    }
    unsigned char *in_address = direct(env, in, (jlong) in_slot * count, "in");
    if (in_address == NULL) return 0;
    unsigned char *out_address = direct(env, out, (jlong) out_slot * count, "out");
    if (out_address == NULL) return 0;
    unsigned char *meta_address = direct(env, meta, (jlong) META_BYTES * count, "meta");
    if (meta_address == NULL) return 0;
    struct batch *b = calloc(1, sizeof *b);
    if (b != NULL) {
        b->rx = calloc((size_t) count, sizeof *b->rx);
        b->rx_iov = calloc((size_t) count, sizeof *b->rx_iov);
        b->sources = calloc((size_t) count, sizeof *b->sources);
        b->tx = calloc((size_t) count, sizeof *b->tx);
        b->tx_iov = calloc((size_t) count, sizeof *b->tx_iov);
    }
    if (b == NULL || !b->rx || !b->rx_iov || !b->sources || !b->tx || !b->tx_iov) {
        free_batch(b);
        throw_message(env, "java/lang/OutOfMemoryError", "native UDP batch");
        return 0;
    }
    b->fd = fd;
    b->count = count;
    b->in = in_address;
    b->in_slot = in_slot;
    b->out = out_address;
    b->out_slot = out_slot;
    b->meta = meta_address;
    for (int i = 0; i < count; i++) {
        b->rx_iov[i].iov_base = in_address + (size_t) i * in_slot;
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

static const unsigned char V4_MAPPED_PREFIX[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

/*
 * int receive(long batch): blocks until at least one datagram is there, takes up to `count` of them, and fills
 * each slot's metadata. Returns how many; 0 once the socket has been shut down.
 */
JNIEXPORT jint JNICALL Java_dev_baton_agent_dns_NativeUdp_receive(JNIEnv *env, jclass cls, jlong handle) {
    (void) cls;
    struct batch *b = (struct batch *) (intptr_t) handle;
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
        unsigned char *m = b->meta + (size_t) i * META_BYTES;
        int32_t length = (int32_t) b->rx[i].msg_len;
        int32_t port = 0;
        int32_t address_length = 0;
        const struct sockaddr_storage *s = &b->sources[i];
        if (s->ss_family == AF_INET) {
            const struct sockaddr_in *v4 = (const struct sockaddr_in *) s;
            port = ntohs(v4->sin_port);
            address_length = 4;
            memcpy(m + META_ADDRESS, &v4->sin_addr, 4);
        } else if (s->ss_family == AF_INET6) {
            const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *) s;
            port = ntohs(v6->sin6_port);
            /* As the JDK does: an IPv4 client on a dual-stack socket is an IPv4 address. */
            if (memcmp(&v6->sin6_addr, V4_MAPPED_PREFIX, sizeof V4_MAPPED_PREFIX) == 0) {
                address_length = 4;
                memcpy(m + META_ADDRESS, (const unsigned char *) &v6->sin6_addr + 12, 4);
            } else {
                address_length = 16;
                memcpy(m + META_ADDRESS, &v6->sin6_addr, 16);
            }
        }
        int32_t none = 0;
        memcpy(m + META_LENGTH, &length, 4);
        memcpy(m + META_PORT, &port, 4);
        memcpy(m + META_ADDRESS_LENGTH, &address_length, 4);
        memcpy(m + META_RESPONSE_LENGTH, &none, 4);
    }
    return n;
}

/*
 * int send(long batch, int received): sends each of the first `received` slots' responses (response length > 0)
 * to the source of its query, in as few sendmmsg calls as the kernel allows. A datagram the kernel refuses
 * (e.g. an unroutable source) is skipped, as the JDK path does. Returns how many were sent.
 */
JNIEXPORT jint JNICALL Java_dev_baton_agent_dns_NativeUdp_send(JNIEnv *env, jclass cls, jlong handle, jint received) {
    (void) cls;
    struct batch *b = (struct batch *) (intptr_t) handle;
    if (received < 0 || received > b->count) {
        throw_message(env, "java/lang/IllegalArgumentException", "received is out of range");
        return -1;
    }
    int pending = 0;
    for (int i = 0; i < received; i++) {
        int32_t length;
        memcpy(&length, b->meta + (size_t) i * META_BYTES + META_RESPONSE_LENGTH, 4);
        if (length <= 0 || length > b->out_slot) continue;
        b->tx_iov[pending].iov_base = b->out + (size_t) i * b->out_slot;
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
