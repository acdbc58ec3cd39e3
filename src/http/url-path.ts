/**
 * `new URL(url).pathname`, without parsing the URL again when it is an http(s) URL as `Request`
 * serializes it (`scheme://host[:port]/path[?query][#fragment]`, no credentials): the path is
 * then the text from the first `/` after the authority to the first `?` or `#`, already
 * normalized and percent-encoded by the serializer. Anything else goes through `URL`.
 * Per request, the mock and the server's inspection layer each need the path.
 */
export function pathnameOf(url: string): string {
  const authority = url.startsWith('http://') ? 7 : url.startsWith('https://') ? 8 : -1;
  const start = authority < 0 ? -1 : url.indexOf('/', authority);
  if (start < 0 || url.lastIndexOf('@', start) >= authority) return new URL(url).pathname;
  let end = url.length;
  for (let i = start; i < end; i++) {
    const c = url.charCodeAt(i);
    if (c === 63 /* ? */ || c === 35 /* # */) end = i;
  }
  return url.slice(start, end);
}
