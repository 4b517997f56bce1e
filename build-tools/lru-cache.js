/**
 * Stands in for `mnemonist/lru-cache` in the Lambda bundles (see esbuild-plugins.js): the AWS SDK's
 * endpoint-discovery cache is its only user there, and Herald never turns endpoint discovery on.
 * The same API subset (`get`, `set`, `has`, `peek`, `clear`, `size`) and least-recently-used
 * eviction, in a few lines instead of 7 KB of mnemonist and obliterator per bundle.
 */
class LRUCache {
  constructor(capacity) {
    this.capacity = capacity;
    this.items = new Map();
  }

  get size() {
    return this.items.size;
  }

  has(key) {
    return this.items.has(key);
  }

  peek(key) {
    return this.items.get(key);
  }

  get(key) {
    if (!this.items.has(key)) return undefined;
    const value = this.items.get(key);
    this.items.delete(key);
    this.items.set(key, value);
    return value;
  }

  set(key, value) {
    this.items.delete(key);
    this.items.set(key, value);
    if (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value);
    return this;
  }

  clear() {
    this.items.clear();
  }
}

module.exports = LRUCache;
module.exports.default = LRUCache;
