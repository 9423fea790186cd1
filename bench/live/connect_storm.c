// connect_storm: a connect-heavy workload for the live benchmark (bench/live/run.sh).
//
//   connect_storm tcp COUNT PORT   COUNT times: socket(), connect() to 127.0.0.1:PORT (a closed port, so the
//                                  kernel refuses at once), close()
//   connect_storm udp COUNT PORT   one UDP socket, connect() COUNT times to 127.0.0.1:PORT
//   ... PORT ADDR                  the same to ADDR instead: 127.0.0.1 or a test host in 198.51.100.0/24 (a network
//                                  namespace of the harness's own, bench/live/enforce.sh); anything else is refused
//
// Prints "MODE COUNT SECONDS RATE/s" on stdout. Only loopback or the documentation test network is ever used.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if ((argc != 4 && argc != 5) || (strcmp(argv[1], "tcp") != 0 && strcmp(argv[1], "udp") != 0))
    {
        fprintf(stderr, "usage: connect_storm tcp|udp COUNT PORT [ADDR]\n");
        return 2;
    }
    long count = atol(argv[2]);
    struct sockaddr_in target = {0};
    target.sin_family = AF_INET;
    target.sin_port = htons((unsigned short)atoi(argv[3]));
    target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (argc == 5)
    {
        // 198.51.100.0/24 (TEST-NET-2) is documentation space: the harness routes it into its own namespace.
        if (inet_pton(AF_INET, argv[4], &target.sin_addr) != 1
            || (target.sin_addr.s_addr != htonl(INADDR_LOOPBACK) && (ntohl(target.sin_addr.s_addr) & 0xffffff00u) != 0xc6336400u))
        {
            fprintf(stderr, "connect_storm: %s is neither 127.0.0.1 nor in 198.51.100.0/24\n", argv[4]);
            return 2;
        }
    }

    double start = now_seconds();
    if (strcmp(argv[1], "tcp") == 0)
    {
        for (long i = 0; i < count; i++)
        {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            if (fd < 0)
            {
                perror("connect_storm: socket");
                return 1;
            }
            // Refused (closed port) is the expected outcome; the system call is what is measured.
            (void)connect(fd, (struct sockaddr *)&target, sizeof target);
            close(fd);
        }
    }
    else
    {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (fd < 0)
        {
            perror("connect_storm: socket");
            return 1;
        }
        for (long i = 0; i < count; i++)
        {
            if (connect(fd, (struct sockaddr *)&target, sizeof target) != 0)
            {
                perror("connect_storm: connect");
                return 1;
            }
        }
        close(fd);
    }
    double seconds = now_seconds() - start;
    printf("%s %ld %.3f %.0f\n", argv[1], count, seconds, (double)count / seconds);
    return 0;
}
