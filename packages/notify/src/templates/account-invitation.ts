import type { TemplateSpec } from '../template.js';
import { hello } from './greetings.js';

/** CUS-1 (Odoo): after ordering, not before, the customer is invited to create an account (name, e-mail, password). */
export const accountInvitation: TemplateSpec = {
  id: 'account-invitation',
  required: ['customerName', 'shopName', 'inviteUrl'],
  optional: [],
  texts: {
    en: {
      subject: 'Create your {$shopName} account',
      body: [
        hello.en,
        'Thank you for ordering from {$shopName}. Create an account to see all your orders and their history and to keep your billing address up to date: {$inviteUrl}',
        'You only need a name, your e-mail and a password.',
      ],
      sms: ['{$shopName}: create your account: {$inviteUrl}'],
    },
    vi: {
      subject: 'Tạo tài khoản {$shopName} của bạn',
      body: [
        hello.vi,
        'Cảm ơn bạn đã đặt hàng tại {$shopName}. Hãy tạo tài khoản để xem tất cả đơn hàng, lịch sử của chúng và cập nhật địa chỉ thanh toán: {$inviteUrl}',
        'Bạn chỉ cần tên, email và mật khẩu.',
      ],
      sms: ['{$shopName}: tạo tài khoản của bạn: {$inviteUrl}'],
    },
    fr: {
      subject: 'Créez votre compte {$shopName}',
      body: [
        hello.fr,
        'Merci pour votre commande chez {$shopName}. Créez un compte pour retrouver toutes vos commandes et leur historique, et tenir votre adresse de facturation à jour : {$inviteUrl}',
        'Il suffit d’un nom, de votre e-mail et d’un mot de passe.',
      ],
      sms: ['{$shopName} : créez votre compte : {$inviteUrl}'],
    },
    'zh-Hant': {
      subject: '建立您的 {$shopName} 帳戶',
      body: [
        hello['zh-Hant'],
        '感謝您在 {$shopName} 購物。建立帳戶即可查看所有訂單及其記錄,並更新帳單地址:{$inviteUrl}',
        '只需姓名、電子郵件及密碼。',
      ],
      sms: ['{$shopName}:建立您的帳戶:{$inviteUrl}'],
    },
    ru: {
      subject: 'Создайте учётную запись в {$shopName}',
      body: [
        hello.ru,
        'Спасибо за заказ в {$shopName}. Создайте учётную запись, чтобы видеть все свои заказы и их историю и менять платёжный адрес: {$inviteUrl}',
        'Нужны только имя, e-mail и пароль.',
      ],
      sms: ['{$shopName}: создайте учётную запись: {$inviteUrl}'],
    },
    fa: {
      subject: 'حساب کاربری {$shopName} خود را بسازید',
      body: [
        hello.fa,
        'از خرید شما از {$shopName} سپاسگزاریم. با ساختن حساب کاربری همهٔ سفارش‌ها و سابقهٔ آن‌ها را می‌بینید و نشانی صورتحساب را به‌روز نگه می‌دارید: {$inviteUrl}',
        'فقط نام، ایمیل و یک گذرواژه لازم است.',
      ],
      sms: ['{$shopName}: حساب کاربری خود را بسازید: {$inviteUrl}'],
    },
  },
};
