// epoll, eventfd and accept4, which Swift's Glibc module does not export.
#ifndef CEPOLL_H
#define CEPOLL_H
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

// Declared by <sys/socket.h> only under _GNU_SOURCE, which would change struct layouts other
// modules import; so declared here as glibc exports it.
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

/// accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC: the accepted socket is ready for the event loop.
static inline int cepoll_accept_nonblocking(int fd, struct sockaddr *address, socklen_t *length) {
    return accept4(fd, address, length, SOCK_NONBLOCK | SOCK_CLOEXEC);
}
#endif
