import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseImagesOf, nodeVersionOf, qualifiedImageName, standInKindOf } from './base-images';

const root = join(__dirname, '..', '..');

describe('the base images npm run test:containers makes available', () => {
  it('are the FROM images of the Dockerfile and the images compose pulls (not its stages, not the image it builds, not a profile)', () => {
    const dockerfile = 'FROM node:22-bookworm-slim AS build\nRUN true\nFROM build AS test\nFROM node:22-bookworm-slim AS runtime\n';
    const compose = 'services:\n  db:\n    image: postgres:16-alpine\n  app:\n    build: .\n    image: shop-graph:local\n  traces:\n    image: jaegertracing/all-in-one:1.62.0\n    profiles: ["tracing"]\n';
    expect(baseImagesOf(dockerfile, compose)).toEqual(['node:22-bookworm-slim', 'postgres:16-alpine']);
  });

  it('every base image of the repository files has a stand-in, for a closed network', () => {
    const images = baseImagesOf(readFileSync(join(root, 'Dockerfile'), 'utf8'), readFileSync(join(root, 'docker-compose.yml'), 'utf8'));
    expect(images.length).toBeGreaterThanOrEqual(4);
    for (const image of images) expect([image, standInKindOf(image)]).toEqual([image, expect.any(String)]);
  });

  it('names a short image as podman and docker resolve it, and reads the Node version from the tag', () => {
    expect(qualifiedImageName('node:20.20-bookworm-slim')).toBe('docker.io/library/node:20.20-bookworm-slim');
    expect(qualifiedImageName('jaegertracing/all-in-one:1.62.0')).toBe('docker.io/jaegertracing/all-in-one:1.62.0');
    expect(qualifiedImageName('registry.example.com/shop-graph:0.1.0')).toBe('registry.example.com/shop-graph:0.1.0');
    expect(qualifiedImageName('localhost/shop-graph:local')).toBe('localhost/shop-graph:local');
    expect(nodeVersionOf('node:20.20-bookworm-slim')).toBe('20.20');
    expect(nodeVersionOf('docker.io/library/node:22')).toBe('22');
    expect(standInKindOf('rabbitmq:3.13-management-alpine')).toBe('rabbitmq');
    expect(standInKindOf('jaegertracing/all-in-one:1.62.0')).toBeUndefined();
  });
});
