// netprobe: the network actions of the live acceptance tests, as one small process with a predictable
// name and command line (what the alerts must show).
//
//   netprobe [--wait FILE] tcp ADDR PORT   blocking connect(), then prints "LOCALIP LOCALPORT"
//   netprobe [--wait FILE] udp ADDR PORT   sendto() on an unconnected socket, then prints "LOCALIP LOCALPORT"
//   netprobe listen PORT [ADDR]            TCP listener (default: dual-stack any address); prints "ready",
//                                          then waits to be killed
//   netprobe serve PORT [ADDR]             as listen, but accepts and closes every connection
//   netprobe dns-server ADDR PORT NAME=IP[,TTL] ...
//                                          DNS server on UDP and TCP (2-byte length prefix) at ADDR:PORT: A for
//                                          the IPv4 entries of a name, AAAA for its IPv6 ones, an empty answer
//                                          for a name with none of the type, NXDOMAIN for other names; prints
//                                          "ready" once both sockets are bound, then serves until killed
//   netprobe [options] resolve-connect NAME PORT
//                                          resolves NAME with getaddrinfo (glibc's resolver and /etc/resolv.conf),
//                                          blocking connect() to the first address, then prints
//                                          "LOCALIP LOCALPORT PEERIP PEERPORT"
//   netprobe resolve-connect-loop SERVER NAME PORT COUNT
//                                          COUNT times: resolve as goresolve-connect does and connect() at once;
//                                          prints "resolved=R connected=C eperm=E other=O"
//   netprobe connect-loop ADDR PORT COUNT  COUNT blocking connect()s; prints "connected=C eperm=E other=O"
//   netprobe connect-until STOPFILE ADDR PORT MAXCOUNT
//                                          blocking connect()s, one after the other, until STOPFILE exists (looked
//                                          for every 50), MAXCOUNT are done or 300 s have passed; prints "running"
//                                          after the first, then as connect-loop. Each socket closes with an RST
//                                          (SO_LINGER 0), so a long loop leaves no TIME_WAIT and never runs out of ports
//   netprobe resolve-connect-stepped SERVER NAME PORT
//                                          prints "ready"; then per line on stdin one resolve (as goresolve-connect)
//                                          and an immediate connect(): prints connected, eperm, other ERRNO or
//                                          unresolved; ends at end of file
//   netprobe [options] goresolve-connect SERVER NAME PORT
//                                          resolves NAME's A record as Go's resolver does: a connected UDP socket
//                                          to SERVER:53, write() the query, read() the answer; then as above
//
// Options, in this order:
//   --wait FILE     polls for FILE first, so a test can start the process before Falconet and trigger it later
//   --resolv FILE   runs in a private mount namespace with FILE bind-mounted over /etc/resolv.conf, so the
//                   system resolver asks the test's server without touching the machine's own file
//   --pause FILE    resolve modes: after the lookup prints "resolved" and polls for FILE before connecting, so
//                   a lookup can predate Falconet and the connection follow it
//   --hold          after printing, keeps the connection open until stdin reaches end of file
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int parse_address(const char *text, int port, struct sockaddr_storage *out, socklen_t *len)
{
    memset(out, 0, sizeof *out);
    struct sockaddr_in *v4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1)
    {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port);
        *len = sizeof *v4;
        return AF_INET;
    }
    if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1)
    {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port);
        *len = sizeof *v6;
        return AF_INET6;
    }
    fprintf(stderr, "netprobe: not an IP address: %s\n", text);
    exit(2);
}

// Prints " IP PORT" (leading space when not first) for an IPv4 or IPv6 socket address.
static void print_address(const struct sockaddr_storage *address, int first)
{
    char text[INET6_ADDRSTRLEN] = "?";
    int port;
    if (address->ss_family == AF_INET)
    {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)address;
        inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
        port = ntohs(v4->sin_port);
    }
    else
    {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)address;
        inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
        port = ntohs(v6->sin6_port);
    }
    printf(first ? "%s %d" : " %s %d", text, port);
}

static void print_local(int fd, const struct sockaddr_storage *peer)
{
    struct sockaddr_storage local;
    socklen_t len = sizeof local;
    if (getsockname(fd, (struct sockaddr *)&local, &len) != 0)
    {
        perror("netprobe: getsockname");
        exit(1);
    }
    print_address(&local, 1);
    if (peer != NULL)
    {
        print_address(peer, 0);
    }
    printf("\n");
    fflush(stdout);
}

static void wait_for_file(const char *path)
{
    struct timespec pause = {0, 20 * 1000 * 1000};
    while (access(path, F_OK) != 0)
    {
        nanosleep(&pause, NULL);
    }
}

// A listening TCP socket on address:port (IPv6 sockets take IPv4 too), "ready" printed once it listens; -1 on failure.
static int open_listener(int port, const char *address, int backlog, const char *what)
{
    struct sockaddr_storage local;
    socklen_t local_len;
    int family = parse_address(address, port, &local, &local_len);
    int fd = socket(family, SOCK_STREAM, 0);
    int off = 0, on = 1;
    if (family == AF_INET6)
    {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (fd < 0 || bind(fd, (struct sockaddr *)&local, local_len) != 0 || listen(fd, backlog) != 0)
    {
        perror(what);
        return -1;
    }
    printf("ready\n");
    fflush(stdout);
    return fd;
}

static int listen_forever(int port, const char *address)
{
    if (open_listener(port, address, 128, "netprobe: listen") < 0)
    {
        return 1;
    }
    // The kernel completes handshakes from the backlog; nothing needs accepting.
    for (;;)
    {
        pause();
    }
}

// Like listen_forever, but accepts and closes every connection, so a test can connect thousands of times
// without filling the backlog.
static int serve_forever(int port, const char *address)
{
    int fd = open_listener(port, address, 1024, "netprobe: serve");
    if (fd < 0)
    {
        return 1;
    }
    for (;;)
    {
        int client = accept(fd, NULL, NULL);
        if (client >= 0)
        {
            close(client);
        }
    }
}

// The resolve modes print both ends, so a test can see where the name led.
static int connect_and_report(const struct sockaddr_storage *peer, socklen_t peer_len, const char *pause_file, int hold)
{
    if (pause_file != NULL)
    {
        printf("resolved\n");
        fflush(stdout);
        wait_for_file(pause_file);
    }
    int fd = socket(peer->ss_family, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (const struct sockaddr *)peer, peer_len) != 0)
    {
        perror("netprobe: connect");
        return 1;
    }
    print_local(fd, peer);
    if (hold)
    {
        // The test closes our stdin to let the connection go (or dies, which closes it too).
        char sink[64];
        while (read(STDIN_FILENO, sink, sizeof sink) > 0)
        {
        }
    }
    close(fd);
    return 0;
}

// ---- DNS wire format (RFC 1035 section 4), only what the tests need ----

enum
{
    DNS_HEADER = 12,
    DNS_TYPE_A = 1,
    DNS_TYPE_AAAA = 28,
    DNS_CLASS_IN = 1,
    DNS_RCODE_FORMERR = 1,
    DNS_RCODE_NXDOMAIN = 3,
    DNS_RCODE_NOTIMP = 4,
    DNS_MAX_MESSAGE = 4096,
    DNS_MAX_ENTRIES = 64,
};

struct dns_entry
{
    char name[256]; // lower case, no trailing dot
    int family;
    unsigned char address[16];
    unsigned int ttl;
};

static unsigned int get16(const unsigned char *p) { return (unsigned int)p[0] << 8 | p[1]; }

static void put16(unsigned char *p, unsigned int v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, unsigned int v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

static void lower_without_dot(char *name)
{
    size_t n = strlen(name);
    if (n > 0 && name[n - 1] == '.')
    {
        name[n - 1] = '\0';
    }
    for (char *c = name; *c; c++)
    {
        *c = (char)tolower((unsigned char)*c);
    }
}

// NAME=IP[,TTL]
static void parse_entry(const char *text, struct dns_entry *entry)
{
    const char *eq = strchr(text, '=');
    if (eq == NULL || eq == text || (size_t)(eq - text) >= sizeof entry->name)
    {
        fprintf(stderr, "netprobe: expected NAME=IP[,TTL]: %s\n", text);
        exit(2);
    }
    memcpy(entry->name, text, (size_t)(eq - text));
    entry->name[eq - text] = '\0';
    lower_without_dot(entry->name);
    char ip[INET6_ADDRSTRLEN + 1];
    const char *comma = strchr(eq + 1, ',');
    size_t ip_len = comma ? (size_t)(comma - eq - 1) : strlen(eq + 1);
    if (ip_len >= sizeof ip)
    {
        fprintf(stderr, "netprobe: not an IP address in %s\n", text);
        exit(2);
    }
    memcpy(ip, eq + 1, ip_len);
    ip[ip_len] = '\0';
    entry->ttl = comma ? (unsigned int)strtoul(comma + 1, NULL, 10) : 5;
    if (inet_pton(AF_INET, ip, entry->address) == 1)
    {
        entry->family = AF_INET;
    }
    else if (inet_pton(AF_INET6, ip, entry->address) == 1)
    {
        entry->family = AF_INET6;
    }
    else
    {
        fprintf(stderr, "netprobe: not an IP address in %s\n", text);
        exit(2);
    }
}

// Reads the uncompressed name of a question at *offset as dotted lower-case text. Queries never need
// compression, so a pointer there is a malformed query. Returns 0 when the name is well formed.
static int read_question_name(const unsigned char *message, size_t length, size_t *offset, char *out, size_t out_size)
{
    size_t at = *offset, written = 0;
    for (;;)
    {
        if (at >= length)
        {
            return -1;
        }
        unsigned int label = message[at++];
        if (label == 0)
        {
            break;
        }
        if (label > 63 || at + label > length || written + label + 2 > out_size)
        {
            return -1;
        }
        if (written > 0)
        {
            out[written++] = '.';
        }
        for (unsigned int i = 0; i < label; i++)
        {
            out[written++] = (char)tolower(message[at + i]);
        }
        at += label;
    }
    out[written] = '\0';
    *offset = at;
    return 0;
}

// Builds the answer to one query; returns its length, or 0 when the message is not worth an answer.
static size_t dns_answer(const struct dns_entry *table, int entries, const unsigned char *query, size_t query_len,
                         unsigned char *answer, size_t answer_size)
{
    if (query_len < DNS_HEADER || (query[2] & 0x80) != 0)
    {
        return 0; // too short to answer, or itself an answer
    }
    unsigned int opcode = (query[2] >> 3) & 0x0f;
    char name[256];
    size_t end = DNS_HEADER;
    int well_formed = get16(query + 4) == 1 && read_question_name(query, query_len, &end, name, sizeof name) == 0
        && end + 4 <= query_len;
    unsigned int type = well_formed ? get16(query + end) : 0;
    unsigned int klass = well_formed ? get16(query + end + 2) : 0;
    size_t question_end = well_formed ? end + 4 : DNS_HEADER;
    if (question_end > answer_size)
    {
        return 0;
    }
    memcpy(answer, query, question_end);
    answer[2] = (unsigned char)(0x80 | (opcode << 3) | 0x04 | (query[2] & 0x01)); // QR, opcode, AA, RD as asked
    answer[3] = 0x80;                                                             // RA, rcode below
    put16(answer + 4, well_formed ? 1 : 0);
    put16(answer + 6, 0);
    put16(answer + 8, 0);
    put16(answer + 10, 0);
    if (!well_formed)
    {
        answer[3] |= DNS_RCODE_FORMERR;
        return question_end;
    }
    if (opcode != 0 || klass != DNS_CLASS_IN)
    {
        answer[3] |= DNS_RCODE_NOTIMP;
        return question_end;
    }
    size_t at = question_end;
    unsigned int count = 0;
    int known = 0;
    for (int i = 0; i < entries; i++)
    {
        if (strcmp(table[i].name, name) != 0)
        {
            continue;
        }
        known = 1;
        int wanted = (type == DNS_TYPE_A && table[i].family == AF_INET) || (type == DNS_TYPE_AAAA && table[i].family == AF_INET6);
        size_t rdlength = table[i].family == AF_INET ? 4 : 16;
        if (!wanted || at + 12 + rdlength > answer_size)
        {
            continue;
        }
        put16(answer + at, 0xc000 | DNS_HEADER); // the owner is the question's name
        put16(answer + at + 2, type);
        put16(answer + at + 4, DNS_CLASS_IN);
        put32(answer + at + 6, table[i].ttl);
        put16(answer + at + 10, (unsigned int)rdlength);
        memcpy(answer + at + 12, table[i].address, rdlength);
        at += 12 + rdlength;
        count++;
    }
    put16(answer + 6, count);
    if (!known)
    {
        answer[3] |= DNS_RCODE_NXDOMAIN;
    }
    return at;
}

static int read_fully(int fd, unsigned char *buffer, size_t length)
{
    size_t done = 0;
    while (done < length)
    {
        ssize_t n = read(fd, buffer + done, length - done);
        if (n <= 0)
        {
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

static int write_fully(int fd, const unsigned char *buffer, size_t length)
{
    size_t done = 0;
    while (done < length)
    {
        ssize_t n = write(fd, buffer + done, length - done);
        if (n <= 0)
        {
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

// One TCP client: length-prefixed queries until it closes (or stays silent for a few seconds).
static void serve_tcp_client(int client, const struct dns_entry *table, int entries)
{
    static unsigned char query[DNS_MAX_MESSAGE], answer[DNS_MAX_MESSAGE + 2];
    struct timeval limit = {5, 0};
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    for (;;)
    {
        unsigned char prefix[2];
        if (read_fully(client, prefix, 2) != 0)
        {
            return;
        }
        size_t length = get16(prefix);
        if (length > sizeof query || read_fully(client, query, length) != 0)
        {
            return;
        }
        size_t answer_len = dns_answer(table, entries, query, length, answer + 2, sizeof answer - 2);
        if (answer_len == 0)
        {
            return;
        }
        put16(answer, (unsigned int)answer_len);
        if (write_fully(client, answer, answer_len + 2) != 0)
        {
            return;
        }
    }
}

static int bound_socket(int type, const char *address, int port)
{
    struct sockaddr_storage local;
    socklen_t local_len;
    int family = parse_address(address, port, &local, &local_len);
    int fd = socket(family, type, 0);
    int on = 1;
    if (fd < 0)
    {
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind(fd, (struct sockaddr *)&local, local_len) != 0 || (type == SOCK_STREAM && listen(fd, 16) != 0))
    {
        close(fd);
        return -1;
    }
    return fd;
}

static int dns_server(const char *address, int port, int entry_count, char **entry_texts)
{
    static struct dns_entry table[DNS_MAX_ENTRIES];
    if (entry_count > DNS_MAX_ENTRIES)
    {
        fprintf(stderr, "netprobe: at most %d entries\n", DNS_MAX_ENTRIES);
        return 2;
    }
    for (int i = 0; i < entry_count; i++)
    {
        parse_entry(entry_texts[i], &table[i]);
    }
    int udp = bound_socket(SOCK_DGRAM, address, port);
    int tcp = bound_socket(SOCK_STREAM, address, port);
    if (udp < 0 || tcp < 0)
    {
        perror("netprobe: dns-server bind");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    static unsigned char query[DNS_MAX_MESSAGE], answer[DNS_MAX_MESSAGE];
    for (;;)
    {
        struct pollfd ready[2] = {{udp, POLLIN, 0}, {tcp, POLLIN, 0}};
        if (poll(ready, 2, -1) < 0)
        {
            if (errno == EINTR)
            {
                continue;
            }
            perror("netprobe: poll");
            return 1;
        }
        if (ready[0].revents & POLLIN)
        {
            struct sockaddr_storage client;
            socklen_t client_len = sizeof client;
            ssize_t n = recvfrom(udp, query, sizeof query, 0, (struct sockaddr *)&client, &client_len);
            if (n > 0)
            {
                size_t answer_len = dns_answer(table, entry_count, query, (size_t)n, answer, 512);
                if (answer_len > 0)
                {
                    sendto(udp, answer, answer_len, 0, (struct sockaddr *)&client, client_len);
                }
            }
        }
        if (ready[1].revents & POLLIN)
        {
            int client = accept(tcp, NULL, NULL);
            if (client >= 0)
            {
                serve_tcp_client(client, table, entry_count);
                close(client);
            }
        }
    }
}

// Skips a possibly compressed name; returns the offset after it, or 0 when it runs off the message.
static size_t skip_name(const unsigned char *message, size_t length, size_t at)
{
    while (at < length)
    {
        unsigned int label = message[at];
        if (label == 0)
        {
            return at + 1;
        }
        if ((label & 0xc0) == 0xc0)
        {
            return at + 2 <= length ? at + 2 : 0; // a pointer ends the name in place
        }
        if (label > 63)
        {
            return 0;
        }
        at += 1 + label;
    }
    return 0;
}

static size_t encode_query(const char *name, unsigned int id, unsigned char *out, size_t out_size)
{
    memset(out, 0, DNS_HEADER);
    put16(out, id);
    out[2] = 0x01; // RD
    put16(out + 4, 1);
    size_t at = DNS_HEADER;
    const char *label = name;
    while (*label)
    {
        const char *dot = strchr(label, '.');
        size_t n = dot ? (size_t)(dot - label) : strlen(label);
        if (n == 0 || n > 63 || at + n + 1 + 5 > out_size)
        {
            fprintf(stderr, "netprobe: cannot encode the name %s\n", name);
            exit(2);
        }
        out[at++] = (unsigned char)n;
        memcpy(out + at, label, n);
        at += n;
        label += n + (dot ? 1 : 0);
    }
    out[at++] = 0;
    put16(out + at, DNS_TYPE_A);
    put16(out + at + 2, DNS_CLASS_IN);
    return at + 4;
}

// Go's pure resolver: a connected UDP socket, write() and read(); takes the first A record. Returns 0 with the
// address in *out, or 1 after printing why.
static int go_resolve(const char *server, const char *name, struct in_addr *out)
{
    struct sockaddr_storage dns;
    socklen_t dns_len;
    int family = parse_address(server, 53, &dns, &dns_len);
    unsigned char query[512], answer[DNS_MAX_MESSAGE];
    unsigned int id = (unsigned int)(getpid() ^ time(NULL) ^ rand()) & 0xffff;
    size_t query_len = encode_query(name, id, query, sizeof query);
    int fd = socket(family, SOCK_DGRAM, 0);
    struct timeval limit = {5, 0};
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) != 0
        || connect(fd, (struct sockaddr *)&dns, dns_len) != 0)
    {
        perror("netprobe: dns socket");
        if (fd >= 0)
        {
            close(fd);
        }
        return 1;
    }
    if (write(fd, query, query_len) != (ssize_t)query_len)
    {
        perror("netprobe: dns write");
        close(fd);
        return 1;
    }
    ssize_t got = read(fd, answer, sizeof answer);
    if (got < 0)
    {
        perror("netprobe: dns read");
        close(fd);
        return 1;
    }
    close(fd);
    size_t length = (size_t)got;
    if (length < DNS_HEADER || get16(answer) != id || (answer[2] & 0x80) == 0 || (answer[3] & 0x0f) != 0)
    {
        fprintf(stderr, "netprobe: no usable DNS answer for %s (rcode %d)\n", name, length >= 4 ? answer[3] & 0x0f : -1);
        return 1;
    }
    size_t at = DNS_HEADER;
    for (unsigned int q = get16(answer + 4); q > 0 && at != 0; q--)
    {
        at = skip_name(answer, length, at);
        at = at != 0 && at + 4 <= length ? at + 4 : 0;
    }
    for (unsigned int a = get16(answer + 6); a > 0 && at != 0; a--)
    {
        at = skip_name(answer, length, at);
        if (at == 0 || at + 10 > length)
        {
            break;
        }
        unsigned int type = get16(answer + at), rdlength = get16(answer + at + 8);
        at += 10;
        if (at + rdlength > length)
        {
            break;
        }
        if (type == DNS_TYPE_A && rdlength == 4)
        {
            memcpy(out, answer + at, 4);
            return 0;
        }
        at += rdlength;
    }
    fprintf(stderr, "netprobe: no A record for %s\n", name);
    return 1;
}

static int go_resolve_connect(const char *server, const char *name, int port, const char *pause_file, int hold)
{
    struct sockaddr_storage peer;
    memset(&peer, 0, sizeof peer);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&peer;
    if (go_resolve(server, name, &v4->sin_addr) != 0)
    {
        return 1;
    }
    v4->sin_family = AF_INET;
    v4->sin_port = htons((unsigned short)port);
    return connect_and_report(&peer, sizeof *v4, pause_file, hold);
}

// COUNT times: resolve NAME as Go does, then at once a blocking TCP connect() to the answer. Prints
// "resolved=R connected=C eperm=E other=O": a connect that fails with EPERM was rejected by a cgroup program.
static int resolve_connect_loop(const char *server, const char *name, int port, int count)
{
    int resolved = 0, connected = 0, eperm = 0, other = 0;
    for (int i = 0; i < count; i++)
    {
        struct sockaddr_in peer;
        memset(&peer, 0, sizeof peer);
        if (go_resolve(server, name, &peer.sin_addr) != 0)
        {
            continue;
        }
        resolved++;
        peer.sin_family = AF_INET;
        peer.sin_port = htons((unsigned short)port);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0)
        {
            other++;
            continue;
        }
        if (connect(fd, (struct sockaddr *)&peer, sizeof peer) == 0)
        {
            connected++;
        }
        else if (errno == EPERM)
        {
            eperm++;
        }
        else
        {
            other++;
        }
        close(fd);
    }
    printf("resolved=%d connected=%d eperm=%d other=%d\n", resolved, connected, eperm, other);
    fflush(stdout);
    return 0;
}

// One connect() to PEER; "connected", "eperm" (a cgroup program rejected it) or "other ERRNO".
static const char *connect_once(const struct sockaddr *peer, socklen_t peer_len, int *error)
{
    *error = 0;
    int fd = socket(peer->sa_family, SOCK_STREAM, 0);
    if (fd < 0)
    {
        *error = errno;
        return "other";
    }
    const char *verdict = "connected";
    if (connect(fd, peer, peer_len) != 0)
    {
        *error = errno;
        verdict = errno == EPERM ? "eperm" : "other";
    }
    close(fd);
    return verdict;
}

// COUNT blocking connect()s to ADDR:PORT; prints "connected=C eperm=E other=O".
static int connect_loop(const char *address, int port, int count)
{
    struct sockaddr_storage peer;
    socklen_t peer_len;
    parse_address(address, port, &peer, &peer_len);
    int connected = 0, eperm = 0, other = 0, error;
    for (int i = 0; i < count; i++)
    {
        const char *verdict = connect_once((struct sockaddr *)&peer, peer_len, &error);
        connected += verdict[0] == 'c';
        eperm += verdict[0] == 'e';
        other += verdict[0] == 'o';
    }
    printf("connected=%d eperm=%d other=%d\n", connected, eperm, other);
    fflush(stdout);
    return 0;
}

// Connects until STOPFILE appears (or MAXCOUNT, or 300 s): a loop that spans whatever the test does meanwhile.
static int connect_until(const char *stop_file, const char *address, int port, int max_count)
{
    struct sockaddr_storage peer;
    socklen_t peer_len;
    parse_address(address, port, &peer, &peer_len);
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int connected = 0, eperm = 0, other = 0;
    for (int i = 0; i < max_count; i++)
    {
        if (i % 50 == 0 && i > 0)
        {
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (access(stop_file, F_OK) == 0 || now.tv_sec - start.tv_sec > 300)
            {
                break;
            }
        }
        int fd = socket(peer.ss_family, SOCK_STREAM, 0);
        if (fd < 0)
        {
            other++;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        if (connect(fd, (struct sockaddr *)&peer, peer_len) == 0)
        {
            connected++;
        }
        else if (errno == EPERM)
        {
            eperm++;
        }
        else
        {
            other++;
        }
        close(fd);
        if (i == 0)
        {
            printf("running\n");
            fflush(stdout);
        }
    }
    printf("connected=%d eperm=%d other=%d\n", connected, eperm, other);
    fflush(stdout);
    return 0;
}

// For each line on stdin: resolve NAME as Go does and connect() at once to the answer; prints one line per step:
// "connected", "eperm", "other ERRNO" or "unresolved". Ends at end of file.
static int resolve_connect_stepped(const char *server, const char *name, int port)
{
    char line[64];
    printf("ready\n");
    fflush(stdout);
    while (fgets(line, sizeof line, stdin) != NULL)
    {
        struct sockaddr_in peer;
        memset(&peer, 0, sizeof peer);
        if (go_resolve(server, name, &peer.sin_addr) != 0)
        {
            printf("unresolved\n");
            fflush(stdout);
            continue;
        }
        peer.sin_family = AF_INET;
        peer.sin_port = htons((unsigned short)port);
        int error;
        const char *verdict = connect_once((struct sockaddr *)&peer, sizeof peer, &error);
        if (error != 0 && verdict[0] == 'o')
        {
            printf("other %d\n", error);
        }
        else
        {
            printf("%s\n", verdict);
        }
        fflush(stdout);
    }
    return 0;
}

static int glibc_resolve_connect(const char *name, const char *port, const char *pause_file, int hold)
{
    struct addrinfo hints, *found;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int error = getaddrinfo(name, port, &hints, &found);
    if (error != 0)
    {
        fprintf(stderr, "netprobe: getaddrinfo %s: %s\n", name, gai_strerror(error));
        return 1;
    }
    struct sockaddr_storage peer;
    socklen_t peer_len = found->ai_addrlen;
    memcpy(&peer, found->ai_addr, found->ai_addrlen);
    freeaddrinfo(found);
    return connect_and_report(&peer, peer_len, pause_file, hold);
}

static void private_resolv_conf(const char *file)
{
    // A mount namespace of our own, with no propagation back, so the bind mount is seen by this process only.
    if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
        || mount(file, "/etc/resolv.conf", NULL, MS_BIND, NULL) != 0)
    {
        perror("netprobe: --resolv");
        exit(1);
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: netprobe [--wait FILE] tcp|udp ADDR PORT | netprobe listen PORT [ADDR]\n"
                    "       netprobe dns-server ADDR PORT NAME=IP[,TTL] ...\n"
                    "       netprobe [--wait FILE] [--resolv FILE] [--pause FILE] [--hold] resolve-connect NAME PORT\n"
                    "       netprobe [--wait FILE] [--resolv FILE] [--pause FILE] [--hold] goresolve-connect SERVER NAME PORT\n"
                    "       netprobe resolve-connect-loop SERVER NAME PORT COUNT\n"
                    "       netprobe connect-loop ADDR PORT COUNT | netprobe resolve-connect-stepped SERVER NAME PORT\n"
                    "       netprobe connect-until STOPFILE ADDR PORT MAXCOUNT\n");
    return 2;
}

int main(int argc, char **argv)
{
    int arg = 1, hold = 0;
    if (argc > arg + 1 && strcmp(argv[arg], "--wait") == 0)
    {
        wait_for_file(argv[arg + 1]);
        arg += 2;
    }
    if (argc > arg + 1 && strcmp(argv[arg], "--resolv") == 0)
    {
        private_resolv_conf(argv[arg + 1]);
        arg += 2;
    }
    const char *pause_file = NULL;
    if (argc > arg + 1 && strcmp(argv[arg], "--pause") == 0)
    {
        pause_file = argv[arg + 1];
        arg += 2;
    }
    if (argc > arg && strcmp(argv[arg], "--hold") == 0)
    {
        hold = 1;
        arg++;
    }
    int rest = argc - arg;
    if (rest < 1)
    {
        return usage();
    }
    const char *action = argv[arg];
    if ((rest == 2 || rest == 3) && strcmp(action, "serve") == 0)
    {
        return serve_forever(atoi(argv[arg + 1]), rest == 3 ? argv[arg + 2] : "::");
    }
    if ((rest == 2 || rest == 3) && strcmp(action, "listen") == 0)
    {
        return listen_forever(atoi(argv[arg + 1]), rest == 3 ? argv[arg + 2] : "::");
    }
    if (rest >= 3 && strcmp(action, "dns-server") == 0)
    {
        return dns_server(argv[arg + 1], atoi(argv[arg + 2]), rest - 3, argv + arg + 3);
    }
    if (rest == 3 && strcmp(action, "resolve-connect") == 0)
    {
        return glibc_resolve_connect(argv[arg + 1], argv[arg + 2], pause_file, hold);
    }
    if (rest == 4 && strcmp(action, "connect-loop") == 0)
    {
        return connect_loop(argv[arg + 1], atoi(argv[arg + 2]), atoi(argv[arg + 3]));
    }
    if (rest == 5 && strcmp(action, "connect-until") == 0)
    {
        return connect_until(argv[arg + 1], argv[arg + 2], atoi(argv[arg + 3]), atoi(argv[arg + 4]));
    }
    if (rest == 4 && strcmp(action, "resolve-connect-stepped") == 0)
    {
        return resolve_connect_stepped(argv[arg + 1], argv[arg + 2], atoi(argv[arg + 3]));
    }
    if (rest == 5 && strcmp(action, "resolve-connect-loop") == 0)
    {
        return resolve_connect_loop(argv[arg + 1], argv[arg + 2], atoi(argv[arg + 3]), atoi(argv[arg + 4]));
    }
    if (rest == 4 && strcmp(action, "goresolve-connect") == 0)
    {
        return go_resolve_connect(argv[arg + 1], argv[arg + 2], atoi(argv[arg + 3]), pause_file, hold);
    }
    if (rest != 3)
    {
        return usage();
    }
    struct sockaddr_storage peer;
    socklen_t peer_len;
    int family = parse_address(argv[arg + 1], atoi(argv[arg + 2]), &peer, &peer_len);
    if (strcmp(action, "tcp") == 0)
    {
        int fd = socket(family, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&peer, peer_len) != 0)
        {
            perror("netprobe: connect");
            return 1;
        }
        print_local(fd, NULL);
        close(fd);
        return 0;
    }
    if (strcmp(action, "udp") == 0)
    {
        int fd = socket(family, SOCK_DGRAM, 0);
        static const char payload[] = "falconet live test";
        if (fd < 0 || sendto(fd, payload, sizeof payload - 1, 0, (struct sockaddr *)&peer, peer_len) < 0)
        {
            perror("netprobe: sendto");
            return 1;
        }
        print_local(fd, NULL);
        close(fd);
        return 0;
    }
    fprintf(stderr, "netprobe: unknown action %s\n", action);
    return 2;
}
