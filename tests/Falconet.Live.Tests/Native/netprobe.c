// netprobe: the network actions of the live acceptance tests, as one small process with a predictable
// name and command line (what the alerts must show).
//
//   netprobe [--wait FILE] tcp ADDR PORT   blocking connect(), then prints "LOCALIP LOCALPORT"
//   netprobe [--wait FILE] udp ADDR PORT   sendto() on an unconnected socket, then prints "LOCALIP LOCALPORT"
//   netprobe listen PORT [ADDR]            TCP listener (default: dual-stack any address); prints "ready",
//                                          then waits to be killed
//
// --wait polls for FILE first, so a test can start the process before Falconet and trigger it later.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

static void print_local(int fd)
{
    struct sockaddr_storage local;
    socklen_t len = sizeof local;
    char text[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (getsockname(fd, (struct sockaddr *)&local, &len) != 0)
    {
        perror("netprobe: getsockname");
        exit(1);
    }
    if (local.ss_family == AF_INET)
    {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&local;
        inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
        port = ntohs(v4->sin_port);
    }
    else
    {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&local;
        inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
        port = ntohs(v6->sin6_port);
    }
    printf("%s %d\n", text, port);
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

static int listen_forever(int port, const char *address)
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
    if (fd < 0 || bind(fd, (struct sockaddr *)&local, local_len) != 0 || listen(fd, 128) != 0)
    {
        perror("netprobe: listen");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    // The kernel completes handshakes from the backlog; nothing needs accepting.
    for (;;)
    {
        pause();
    }
}

int main(int argc, char **argv)
{
    int arg = 1;
    if (argc > 2 && strcmp(argv[1], "--wait") == 0)
    {
        wait_for_file(argv[2]);
        arg = 3;
    }
    if ((argc - arg == 2 || argc - arg == 3) && strcmp(argv[arg], "listen") == 0)
    {
        return listen_forever(atoi(argv[arg + 1]), argc - arg == 3 ? argv[arg + 2] : "::");
    }
    if (argc - arg != 3)
    {
        fprintf(stderr, "usage: netprobe [--wait FILE] tcp|udp ADDR PORT | netprobe listen PORT [ADDR]\n");
        return 2;
    }
    struct sockaddr_storage peer;
    socklen_t peer_len;
    int family = parse_address(argv[arg + 1], atoi(argv[arg + 2]), &peer, &peer_len);
    if (strcmp(argv[arg], "tcp") == 0)
    {
        int fd = socket(family, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&peer, peer_len) != 0)
        {
            perror("netprobe: connect");
            return 1;
        }
        print_local(fd);
        close(fd);
        return 0;
    }
    if (strcmp(argv[arg], "udp") == 0)
    {
        int fd = socket(family, SOCK_DGRAM, 0);
        static const char payload[] = "falconet live test";
        if (fd < 0 || sendto(fd, payload, sizeof payload - 1, 0, (struct sockaddr *)&peer, peer_len) < 0)
        {
            perror("netprobe: sendto");
            return 1;
        }
        print_local(fd);
        close(fd);
        return 0;
    }
    fprintf(stderr, "netprobe: unknown action %s\n", argv[arg]);
    return 2;
}
