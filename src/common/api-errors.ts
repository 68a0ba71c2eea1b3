import { BadRequestException, NotFoundException } from '@nestjs/common';

export const notFound = (what: string, id: string) =>
  new NotFoundException(`${what} ${id} not found`);
export const badRequest = (message: string) => new BadRequestException(message);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string) => UUID.test(v);
