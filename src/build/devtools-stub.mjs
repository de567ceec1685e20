// Stands in for react-devtools-core in the review's bundle (see bundle-ui.mjs): Ink loads it only under DEV=true.
export default { initialize() {}, connectToDevTools() {} };
