module.exports = async () => {
  await globalThis.__CPPO_MONGO__?.stop();
};
