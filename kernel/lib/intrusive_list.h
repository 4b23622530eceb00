// An intrusive doubly-linked list: the links live in the element (a ListNode
// member), so queues never allocate -- the scheduler and wait queues use it
// with interrupts masked. NodeList is the untyped list (usable where the
// element type is incomplete); List<T, &T::node> the typed view.
#pragma once
#include <cstddef>

#include "lib/counter.h"

namespace lib {

struct ListNode {
  ListNode* prev = nullptr;
  ListNode* next = nullptr;
  void* owner = nullptr;  // the element holding this node, while linked
  bool linked() const { return next != nullptr; }
};

class NodeList {
 public:
  NodeList() { head_.prev = head_.next = &head_; }
  NodeList(const NodeList&) = delete;
  NodeList& operator=(const NodeList&) = delete;

  bool empty() const { return head_.next == &head_; }
  size_t size() const { return size_; }
  void* front() const { return empty() ? nullptr : head_.next->owner; }
  void push_back(ListNode& n, void* owner) { insert_before(&head_, n, owner); }
  void push_front(ListNode& n, void* owner) { insert_before(head_.next, n, owner); }
  void remove(ListNode& n) {
    n.prev->next = n.next;
    n.next->prev = n.prev;
    n.prev = n.next = nullptr;
    n.owner = nullptr;
    count_down(size_);
  }
  // The first node, or the list's end marker; next() walks on.
  ListNode* first() const { return head_.next; }
  const ListNode* end() const { return &head_; }
  void insert_before(ListNode* pos, ListNode& n, void* owner) {
    n.owner = owner;
    n.next = pos;
    n.prev = pos->prev;
    pos->prev->next = &n;
    pos->prev = &n;
    count_up(size_);
  }

 private:
  ListNode head_;
  size_t size_ = 0;
};

template <class T, ListNode T::*Node>
class List : public NodeList {
 public:
  T* front() const { return static_cast<T*>(NodeList::front()); }
  void push_back(T& item) { NodeList::push_back(item.*Node, &item); }
  void push_front(T& item) { NodeList::push_front(item.*Node, &item); }
  void remove(T& item) { NodeList::remove(item.*Node); }
  T* pop_front() {
    T* t = front();
    if (t != nullptr) remove(*t);
    return t;
  }
  // Inserts before the first element for which before(element) is true.
  template <class Pred>
  void insert_sorted(T& item, Pred before) {
    ListNode* n = first();
    while (n != end() && !before(*static_cast<T*>(n->owner))) n = n->next;
    insert_before(n, item.*Node, &item);
  }
  template <class F>
  void for_each(F f) const {
    for (ListNode* n = first(); n != end();) {
      ListNode* next = n->next;  // f may remove the element
      f(*static_cast<T*>(n->owner));
      n = next;
    }
  }
};

}  // namespace lib
