/* The lab's pause program: the process that holds a pod sandbox's namespaces.
 * It sleeps until asked to stop, reaps any children it inherits (it may be PID 1 of the pod),
 * and exits cleanly on SIGINT/SIGTERM. Built with `gcc -static` so the image needs nothing else. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) { (void)sig; _exit(0); }

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
    puts("tskubeadm-lab pause");
    return 0;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sa.sa_handler = on_child;
  sa.sa_flags = SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  if (getpid() != 1) fputs("pause: warning: not running as PID 1\n", stderr);
  for (;;) pause();
  return 1;
}
