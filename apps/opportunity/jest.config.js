module.exports = { displayName: 'opportunity', preset: '../../jest.preset.js', rootDir: __dirname };
