// Any data-* attribute is valid HTML (the tests find elements by data-testid); Vue's element
// types leave them out, so strict template checks would flag each one.
declare module 'vue' {
  interface HTMLAttributes {
    [dataAttribute: `data-${string}`]: unknown
  }
}
export {}
