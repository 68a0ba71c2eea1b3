import { Controller, Get, HttpException, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenService } from '../access/token.service';
import { AppConfig } from '../config/app-config';
import { defaultTemplatesDir } from '../rendering/renderer';
import { ConsoleHttp } from './console-http';
import { clearedCookie, safeNext, sessionCookie } from './console-session';

/** The console's own browser files, read once: a fixed list, never a path from the request. */
const ASSETS: Record<string, string> = {
  'console.js': 'application/javascript; charset=utf-8',
};

/** Opening the service's address opens the console. */
@ApiExcludeController()
@Controller()
export class ConsoleRootController {
  @Get()
  root(@Res() res: Response) {
    res.redirect(302, '/console');
  }
}

/** Signing in and out, and the console's script. */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  private readonly assets = new Map<string, Buffer>();

  constructor(
    private readonly tokens: TokenService,
    private readonly http: ConsoleHttp,
    private readonly config: AppConfig,
  ) {
    const dir = join(defaultTemplatesDir(), 'console', 'assets');
    for (const name of Object.keys(ASSETS)) {
      const file = join(dir, name);
      if (existsSync(file)) this.assets.set(name, readFileSync(file));
    }
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() res: Response) {
    const body = this.assets.get(name);
    if (!body || !ASSETS[name]) throw new HttpException('no such file', 404);
    res
      .status(200)
      .type(ASSETS[name])
      .setHeader('Cache-Control', 'public, max-age=300')
      .setHeader('X-Content-Type-Options', 'nosniff')
      .send(body);
  }

  @Get('sign-in')
  signInPage(@Req() req: Request, @Res() res: Response) {
    this.http.send(res, 200, 'sign-in', {
      title: 'Sign in',
      next: safeNext(req.query.next),
      signedOut: req.query.signedOut === '1',
    });
  }

  @Post('sign-in')
  async signIn(@Req() req: Request, @Res() res: Response) {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token.trim() : '';
    const who = token ? await this.tokens.resolve(token) : null;
    const next = safeNext(body.next);
    if (!who) {
      return this.http.send(res, 401, 'sign-in', {
        title: 'Sign in',
        next,
        error: 'That token is unknown or revoked. Ask an admin for a token (npm run token).',
      });
    }
    res.setHeader('Set-Cookie', sessionCookie(token, this.config.publicUrl.startsWith('https:')));
    res.redirect(303, next);
  }

  @Post('sign-out')
  signOut(@Res() res: Response) {
    res.setHeader('Set-Cookie', clearedCookie());
    res.redirect(303, '/console/sign-in?signedOut=1');
  }
}
