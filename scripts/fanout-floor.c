// The kernel floor of publish-fanout: the fastest fan-out this machine can do, as a peer for consroute's
// `publish-fanout` in the same run. Plain C, no HTTP, no framing: a parent process accepts N loopback TCP
// connections and, per publish, write()s one frame of S bytes to each, from one thread per core (each writes
// its share of the connections, as a server's event loops do); a child process holds the N client
// sockets in one epoll loop and stamps the moment each connection has received the whole frame. Latency is
// publish → receipt on CLOCK_MONOTONIC, shared by both processes, exactly as the Swift benchmark measures it.
//
// Usage: fanout-floor SUBSCRIBERS FRAME_BYTES [PUBLISHES [SENDER_THREADS]]   — one JSON line, the peers' shape.
// SENDER_THREADS defaults to the number of cores.
// Build: cc -O2 -pthread -o fanout-floor scripts/fanout-floor.c   (scripts/bench.sh does this).
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static double cpu_seconds(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec * 1e-6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec * 1e-6;
}

static void fail(const char *what) {
    fprintf(stderr, "fanout-floor: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/// The p-quantile of a sorted array, by the nearest rank.
static double quantile(const double *sorted, long count, double p) {
    long rank = (long)(p * count + 0.999999);
    if (rank < 1) rank = 1;
    return sorted[rank - 1];
}

/// One sender thread's share of the connections and the frame it writes.
struct share {
    const int *connections;
    int count, size;
    const char *frame;
};

static void *send_share(void *argument) {
    const struct share *share = argument;
    for (int i = 0; i < share->count; i++) {
        for (ssize_t sent = 0; sent < share->size;) {
            ssize_t wrote = write(share->connections[i], share->frame + sent, share->size - sent);
            if (wrote < 0) fail("write");
            sent += wrote;
        }
    }
    return NULL;
}

/// The median of a sorted array (the mean of the middle two for an even count), as the Swift benchmark takes it.
static double median(const double *sorted, long count) {
    return count % 2 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: fanout-floor SUBSCRIBERS FRAME_BYTES [PUBLISHES [SENDER_THREADS]]\n");
        return 2;
    }
    int n = atoi(argv[1]), size = atoi(argv[2]), publishes = argc > 3 ? atoi(argv[3]) : 20;
    int threads = argc > 4 ? atoi(argv[4]) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1 || size < 1 || publishes < 1 || threads < 1 || threads > 64) {
        fprintf(stderr, "fanout-floor: SUBSCRIBERS, FRAME_BYTES, PUBLISHES must be positive, SENDER_THREADS 1...64\n");
        return 2;
    }
    struct rlimit limit;
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);

    // Shared between the processes: receipt times [publish][subscriber], the publish times, the child's CPU.
    size_t bytes = sizeof(double) * ((size_t)publishes * n + publishes + 1);
    double *shared = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) fail("mmap");
    double *receipts = shared, *published = shared + (size_t)publishes * n, *child_cpu = published + publishes;

    int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t length = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) || listen(listener, 4096)) fail("listen");
    getsockname(listener, (struct sockaddr *)&address, &length);
    int ready[2];
    if (pipe(ready)) fail("pipe");

    pid_t child = fork();
    if (child < 0) fail("fork");
    if (child == 0) {
        close(listener);
        int poller = epoll_create1(0);
        int *fds = malloc(sizeof(int) * n);
        long *received = calloc(n, sizeof(long));
        for (int i = 0; i < n; i++) {
            fds[i] = socket(AF_INET, SOCK_STREAM, 0);
            if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&address, sizeof address)) fail("connect");
            fcntl(fds[i], F_SETFL, O_NONBLOCK);
            struct epoll_event event = {.events = EPOLLIN, .data.u32 = (unsigned)i};
            epoll_ctl(poller, EPOLL_CTL_ADD, fds[i], &event);
        }
        double start = cpu_seconds();
        if (write(ready[1], "r", 1) != 1) fail("ready");
        static char buffer[1 << 16];
        struct epoll_event events[512];
        long complete = 0, total = (long)n * publishes;
        while (complete < total) {
            int count = epoll_wait(poller, events, 512, -1);
            for (int e = 0; e < count; e++) {
                int i = (int)events[e].data.u32;
                ssize_t got;
                while ((got = read(fds[i], buffer, sizeof buffer)) > 0) {
                    long before = received[i] / size;
                    received[i] += got;
                    double stamp = now();
                    for (long frame = before; frame < received[i] / size && frame < publishes; frame++) {
                        receipts[frame * n + i] = stamp;
                        complete++;
                    }
                }
            }
        }
        *child_cpu = cpu_seconds() - start;
        _exit(0);
    }

    int *connections = malloc(sizeof(int) * n);
    for (int i = 0; i < n; i++) {
        connections[i] = accept(listener, NULL, NULL);
        if (connections[i] < 0) fail("accept");
        setsockopt(connections[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    char signal;
    if (read(ready[0], &signal, 1) != 1) fail("child");
    char *frame = malloc(size);
    memset(frame, 'x', size);
    struct share shares[64];
    for (int t = 0; t < threads; t++) {
        int from = (int)((long)n * t / threads), to = (int)((long)n * (t + 1) / threads);
        shares[t] = (struct share){.connections = connections + from, .count = to - from, .size = size, .frame = frame};
    }
    double sender_cpu = 0;
    for (int p = 0; p < publishes; p++) {
        usleep(250000);
        double before = cpu_seconds();
        published[p] = now();
        pthread_t workers[64];
        for (int t = 1; t < threads; t++) pthread_create(&workers[t], NULL, send_share, &shares[t]);
        send_share(&shares[0]);
        for (int t = 1; t < threads; t++) pthread_join(workers[t], NULL);
        sender_cpu += cpu_seconds() - before;
    }
    int status;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "fanout-floor: the receiver failed\n");
        return 1;
    }

    double *all = malloc(sizeof(double) * (size_t)n * publishes), *one_publish = malloc(sizeof(double) * n);
    double *p99s = malloc(sizeof(double) * publishes), *lasts = malloc(sizeof(double) * publishes);
    for (int p = 0; p < publishes; p++) {
        for (int i = 0; i < n; i++) {
            one_publish[i] = (receipts[(size_t)p * n + i] - published[p]) * 1e3;
            all[(size_t)p * n + i] = one_publish[i];
        }
        qsort(one_publish, n, sizeof(double), compare);
        p99s[p] = quantile(one_publish, n, 0.99);
        lasts[p] = one_publish[n - 1];
    }
    qsort(all, (size_t)n * publishes, sizeof(double), compare);
    qsort(p99s, publishes, sizeof(double), compare);
    qsort(lasts, publishes, sizeof(double), compare);
    double load[3] = {0};
    FILE *loadavg = fopen("/proc/loadavg", "r");
    if (loadavg) {
        if (fscanf(loadavg, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = load[1] = load[2] = 0;
        fclose(loadavg);
    }
    long receipts_count = (long)n * publishes;
    printf("{\"workload\": \"publish-fanout\", \"peer\": \"kernel floor: C write() per socket + epoll reader\", "
           "\"params\": {\"subscribers\": %d, \"frame_bytes\": %d, \"publishes\": %d, \"spacing_ms\": 250, "
           "\"sender_threads\": %d, \"transport\": \"raw TCP, loopback, no HTTP\", \"clients\": \"child process, one epoll loop\"}, "
           "\"receipts\": %ld, \"latency_ms_p50\": %.3f, \"latency_ms_p99\": %.3f, \"latency_ms_max\": %.3f, "
           "\"p99_per_publish_ms_median\": %.3f, \"last_receipt_per_publish_ms_median\": %.3f, "
           "\"sender_cpu_us_per_receipt\": %.2f, \"receiver_cpu_us_per_receipt\": %.2f, "
           "\"loadavg_at_emit\": [%.2f, %.2f, %.2f]}\n",
           n, size, publishes, threads, receipts_count, quantile(all, receipts_count, 0.5), quantile(all, receipts_count, 0.99),
           all[receipts_count - 1], median(p99s, publishes), median(lasts, publishes), sender_cpu * 1e6 / receipts_count,
           *child_cpu * 1e6 / receipts_count, load[0], load[1], load[2]);
    return 0;
}
