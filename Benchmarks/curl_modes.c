/*
 * The transport choice of Docs/http.md, measured on its own: three ways of driving libcurl for N
 * concurrent streamed requests against the same server, with the engine's work left out.
 *
 *   threads  one thread per concurrent request, each with its own easy + multi handle (LLMBench's way)
 *   loop     one thread, one multi handle with N easy handles
 *   handoff  one loop thread as above, handing every chunk to a per-request worker thread, which is
 *            what a shared loop costs when plugin callbacks must run on the call's own thread
 *
 * Each chunk's bytes are scanned for "data:" lines (a stand-in for parsing). Prints requests/s and
 * the CPU seconds the process used.
 *
 *   cc -O2 -o curl_modes curl_modes.c -lcurl -lpthread
 *   ./curl_modes MODE URL MODEL REQUESTS CONCURRENCY
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char *url;
static char body[512];
static int requests, concurrency;
static atomic_int next_request, completed, events_seen;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void scan(const char *data, size_t len) {
    int n = 0;
    for (size_t i = 0; i + 5 <= len; i++)
        if (data[i] == 'd' && memcmp(data + i, "data:", 5) == 0) n++;
    atomic_fetch_add(&events_seen, n);
}

static struct curl_slist *headers(void) {
    struct curl_slist *h = curl_slist_append(NULL, "content-type: application/json");
    return curl_slist_append(h, "Expect:");
}

static void setup(CURL *easy, struct curl_slist *h, curl_write_callback write, void *userdata) {
    curl_easy_reset(easy);
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, userdata);
}

/* ---- threads: LLMBench's shape --------------------------------------------------------- */
static size_t write_scan(char *data, size_t size, size_t count, void *userdata) {
    (void)userdata;
    scan(data, size * count);
    return size * count;
}

static void *thread_worker(void *arg) {
    (void)arg;
    CURL *easy = curl_easy_init();
    CURLM *multi = curl_multi_init();
    struct curl_slist *h = headers();
    while (atomic_fetch_add(&next_request, 1) < requests) {
        setup(easy, h, write_scan, NULL);
        curl_multi_add_handle(multi, easy);
        int running = 1;
        while (running) {
            curl_multi_perform(multi, &running);
            if (running) curl_multi_poll(multi, NULL, 0, 1000, NULL);
        }
        curl_multi_remove_handle(multi, easy);
        atomic_fetch_add(&completed, 1);
    }
    curl_slist_free_all(h);
    curl_multi_cleanup(multi);
    curl_easy_cleanup(easy);
    return NULL;
}

/* ---- loop and handoff -------------------------------------------------------------------- */
typedef struct chunk { struct chunk *next; size_t len; char data[]; } chunk;
typedef struct slot {
    CURL *easy;
    int handoff;
    pthread_mutex_t lock;
    pthread_cond_t ready;
    chunk *head, *tail;
    int done, quit;
    pthread_t worker;
} slot;

static size_t write_slot(char *data, size_t size, size_t count, void *userdata) {
    slot *s = userdata;
    size_t len = size * count;
    if (!s->handoff) { scan(data, len); return len; }
    chunk *c = malloc(sizeof *c + len);
    c->next = NULL;
    c->len = len;
    memcpy(c->data, data, len);
    pthread_mutex_lock(&s->lock);
    if (s->tail) s->tail->next = c; else s->head = c;
    s->tail = c;
    pthread_cond_signal(&s->ready);
    pthread_mutex_unlock(&s->lock);
    return len;
}

static void *slot_worker(void *arg) {
    slot *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->head && !s->done && !s->quit) pthread_cond_wait(&s->ready, &s->lock);
        if (s->head) {
            chunk *c = s->head;
            s->head = c->next;
            if (!s->head) s->tail = NULL;
            pthread_mutex_unlock(&s->lock);
            scan(c->data, c->len);
            free(c);
            pthread_mutex_lock(&s->lock);
            continue;
        }
        if (s->done) { s->done--; atomic_fetch_add(&completed, 1); continue; }
        if (s->quit) break;
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void run_loop(int handoff) {
    CURLM *multi = curl_multi_init();
    struct curl_slist *h = headers();
    slot *slots = calloc(concurrency, sizeof *slots);
    int active = 0;
    for (int i = 0; i < concurrency; i++) {
        slots[i].easy = curl_easy_init();
        slots[i].handoff = handoff;
        pthread_mutex_init(&slots[i].lock, NULL);
        pthread_cond_init(&slots[i].ready, NULL);
        if (handoff) pthread_create(&slots[i].worker, NULL, slot_worker, &slots[i]);
        if (atomic_fetch_add(&next_request, 1) < requests) {
            setup(slots[i].easy, h, write_slot, &slots[i]);
            curl_easy_setopt(slots[i].easy, CURLOPT_PRIVATE, &slots[i]);
            curl_multi_add_handle(multi, slots[i].easy);
            active++;
        }
    }
    while (active > 0) {
        int running;
        curl_multi_perform(multi, &running);
        CURLMsg *m;
        int queued;
        while ((m = curl_multi_info_read(multi, &queued))) {
            if (m->msg != CURLMSG_DONE) continue;
            slot *s;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            curl_multi_remove_handle(multi, s->easy);
            active--;
            if (handoff) {
                pthread_mutex_lock(&s->lock);
                s->done++;
                pthread_cond_signal(&s->ready);
                pthread_mutex_unlock(&s->lock);
            } else {
                atomic_fetch_add(&completed, 1);
            }
            if (atomic_fetch_add(&next_request, 1) < requests) {
                setup(s->easy, h, write_slot, s);
                curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
                curl_multi_add_handle(multi, s->easy);
                active++;
            }
        }
        if (active > 0) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    for (int i = 0; i < concurrency; i++) {
        if (handoff) {
            pthread_mutex_lock(&slots[i].lock);
            slots[i].quit = 1;
            pthread_cond_signal(&slots[i].ready);
            pthread_mutex_unlock(&slots[i].lock);
            pthread_join(slots[i].worker, NULL);
        }
        curl_easy_cleanup(slots[i].easy);
    }
    curl_slist_free_all(h);
    curl_multi_cleanup(multi);
}

int main(int argc, char **argv) {
    if (argc != 6) { fprintf(stderr, "usage: %s threads|loop|handoff URL MODEL REQUESTS CONCURRENCY\n", argv[0]); return 2; }
    url = argv[2];
    snprintf(body, sizeof body, "{\"model\":\"%s\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
             "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}", argv[3]);
    requests = atoi(argv[4]);
    concurrency = atoi(argv[5]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    double start = now_s();
    if (strcmp(argv[1], "threads") == 0) {
        pthread_t *t = calloc(concurrency, sizeof *t);
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 512 * 1024);
        for (int i = 0; i < concurrency; i++) pthread_create(&t[i], &attr, thread_worker, NULL);
        for (int i = 0; i < concurrency; i++) pthread_join(t[i], NULL);
    } else {
        run_loop(strcmp(argv[1], "handoff") == 0);
    }
    double elapsed = now_s() - start;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("{\"mode\": \"%s\", \"requests\": %d, \"completed\": %d, \"events\": %d, \"requests_per_s\": %.1f, \"cpu_s\": %.2f, \"peak_rss_mib\": %.1f}\n",
           argv[1], requests, atomic_load(&completed), atomic_load(&events_seen), completed / elapsed, cpu, ru.ru_maxrss / 1024.0);
    return 0;
}
